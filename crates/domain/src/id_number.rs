//! The resident ID number (居民身份证号码, GB 11643-1999): 17 digits and a check character.
//!
//! The number is personal data: `Display` and `Debug` show it masked; only [`IdNumber::as_str`]
//! gives it whole, and callers that show it whole must be allowed to and must audit it.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ParseError;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }

    pub fn from_label(s: &str) -> Option<Sex> {
        match s.trim() {
            "男" | "男性" | "1" => Some(Sex::Male),
            "女" | "女性" | "2" => Some(Sex::Female),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber([u8; 18]);

/// The check character of the first 17 digits.
pub fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

impl IdNumber {
    /// Parses an ID number as people type it: spaces anywhere, full-width digits, a lower-case
    /// or full-width x. The stored form is 17 ASCII digits and `0-9` or `X`.
    pub fn parse(input: &str) -> Result<IdNumber, ParseError> {
        // Most cells hold exactly the 18 characters in their stored form: taken as they are.
        let out = match <[u8; 18]>::try_from(input.as_bytes()) {
            Ok(plain)
                if plain[..17].iter().all(u8::is_ascii_digit)
                    && (plain[17].is_ascii_digit() || plain[17] == b'X') =>
            {
                plain
            }
            _ => Self::typed_form(input).map_err(|e| {
                if crate::error::is_scientific_notation(input) {
                    ParseError::ScientificNotation("证件号码")
                } else {
                    e
                }
            })?,
        };
        let expected = check_char(&out[..17]);
        if out[17] != expected {
            return Err(ParseError::IdCheck {
                expected: expected as char,
                found: out[17] as char,
            });
        }
        let id = IdNumber(out);
        if id.birth_date().is_none() {
            return Err(ParseError::IdBirthDate);
        }
        Ok(id)
    }

    /// [`IdNumber::parse`], also taking a 15-digit number of the first-generation cards (still
    /// in some departments' data) upgraded as GB 11643-1999 does: `19` put before its
    /// two-digit birth year and the check character added; and a disabled person's certificate
    /// number (残疾人证号: the holder's 18-character ID number, then the category 1–7 and the
    /// grade 1–4, as the disabled persons' federation lists them). For matching lists against
    /// the registry; a ledger's own numbers must be the 18-digit ones.
    pub fn parse_or_upgrade(input: &str) -> Result<IdNumber, ParseError> {
        match Self::parse(input) {
            Err(ParseError::IdLength(20)) => {
                // As `typed_form` reads it: no spaces or dashes, full-width digits half-width.
                let chars: Vec<char> = input
                    .trim_start()
                    .trim_start_matches(['\'', '‘', '’', '`'])
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .map(|c| match c {
                        '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                        _ => c,
                    })
                    .collect();
                let (id, suffix) = chars.split_at(chars.len().saturating_sub(2));
                let digit = |c: char, max: char| ('1'..=max).contains(&c);
                match suffix {
                    [category, grade] if digit(*category, '7') && digit(*grade, '4') => {
                        Self::parse(&id.iter().collect::<String>())
                    }
                    _ => Err(ParseError::IdLength(20)),
                }
            }
            Err(ParseError::IdLength(15)) => {
                let digits: Vec<u8> = input
                    .chars()
                    .filter_map(|c| match c {
                        '0'..='9' => Some(c as u8),
                        '０'..='９' => Some(b'0' + (c as u32 - '０' as u32) as u8),
                        _ => None,
                    })
                    .collect();
                if digits.len() != 15 {
                    return Err(ParseError::IdCharacters);
                }
                let mut out = [0u8; 18];
                out[..6].copy_from_slice(&digits[..6]);
                out[6..8].copy_from_slice(b"19");
                out[8..17].copy_from_slice(&digits[6..]);
                out[17] = check_char(&out[..17]);
                let id = IdNumber(out);
                if id.birth_date().is_none() {
                    return Err(ParseError::IdBirthDate);
                }
                Ok(id)
            }
            other => other,
        }
    }

    /// The 18 characters of a typed ID number in their stored form (spaces and dashes dropped,
    /// full-width digits and x made ASCII, x upper-case), the first 17 of them digits.
    fn typed_form(input: &str) -> Result<[u8; 18], ParseError> {
        let mut out = [0u8; 18];
        let mut len = 0usize;
        let mut masked = false;
        // A quote before the digits, as typed into Excel (or written by exports) to keep the
        // cell text.
        let input = input.trim_start().trim_start_matches(['\'', '‘', '’', '`']);
        for c in input.chars() {
            let b = match c {
                ' ' | '\u{3000}' | '\t' | '-' => continue,
                '0'..='9' => c as u8,
                '０'..='９' => b'0' + (c as u32 - '０' as u32) as u8,
                'x' | 'X' | 'ｘ' | 'Ｘ' => b'X',
                '*' | '＊' => {
                    masked = true;
                    b'*'
                }
                _ => return Err(ParseError::IdCharacters),
            };
            if len < 18 {
                out[len] = b;
            }
            len += 1;
        }
        if masked {
            return Err(ParseError::IdMasked);
        }
        if len == 0 {
            return Err(ParseError::Empty);
        }
        if len != 18 {
            return Err(ParseError::IdLength(len));
        }
        if !out[..17].iter().all(u8::is_ascii_digit) {
            return Err(ParseError::IdCharacters);
        }
        Ok(out)
    }

    /// The whole number. Showing it to a user requires the role to allow it and an audit entry.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and `X` are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    pub fn birth_date(&self) -> Option<NaiveDate> {
        // Digits 7-14 are YYYYMMDD; the 17 first characters are digits (checked by `parse`).
        let n = |from: usize, to: usize| {
            self.0[from..to].iter().try_fold(0u32, |acc, b| {
                b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
            })
        };
        NaiveDate::from_ymd_opt(i32::try_from(n(6, 10)?).ok()?, n(10, 12)?, n(12, 14)?)
    }

    /// The first 17 digits as one number: a compact key (the check character follows from them).
    pub fn digits(&self) -> u64 {
        self.0[..17]
            .iter()
            .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'))
    }

    pub fn sex(&self) -> Sex {
        if (self.0[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The six-digit region where the number was issued (not necessarily where the person lives).
    pub fn region(&self) -> &str {
        &self.as_str()[..6]
    }

    /// `6201**********1234`: the first four and last four characters.
    pub fn masked(&self) -> String {
        mask_id_str(self.as_str())
    }
}

/// Masks any text that may hold an ID number, keeping the first four and last four characters.
pub fn mask_id_str(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..4].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - 8));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// Masks a phone number, keeping the first three and last four digits: `138****5678`.
pub fn mask_phone(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..3].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - 7));
    out.extend(&chars[chars.len() - 4..]);
    out
}

impl fmt::Display for IdNumber {
    /// Masked: personal data never reaches a log line or message by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl TryFrom<String> for IdNumber {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IdNumber::parse(&s)
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> String {
        id.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_numbers_and_derived_fields() {
        let id = IdNumber::parse("11010519491231002X").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(format!("{id}"), "1101**********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(1101**********002X)");
        let id = IdNumber::parse("440524188001010014").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1880, 1, 1));
    }

    #[test]
    fn a_first_generation_number_is_upgraded_where_asked() {
        let old = "110105491231002";
        assert_eq!(IdNumber::parse(old), Err(ParseError::IdLength(15)));
        // A disabled person's certificate number: the ID, then category and grade.
        let id = IdNumber::parse("11010519491231002X").unwrap();
        for cert in [
            "11010519491231002X42",
            "11010519491231002x 7 1",
            "'１１０１０５１９４９１２３１００２Ｘ１４",
        ] {
            assert_eq!(IdNumber::parse_or_upgrade(cert), Ok(id), "{cert}");
        }
        for not_cert in [
            "11010519491231002X82",
            "11010519491231002X40",
            "11010519491231002X4",
        ] {
            assert!(IdNumber::parse_or_upgrade(not_cert).is_err(), "{not_cert}");
        }
        assert!(matches!(
            IdNumber::parse_or_upgrade("11010519491231003X42"),
            Err(ParseError::IdCheck { .. })
        ));
        assert_eq!(
            IdNumber::parse("11010519491231002X42"),
            Err(ParseError::IdLength(20))
        );
        let id = IdNumber::parse_or_upgrade(old).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            IdNumber::parse_or_upgrade("１１０１０５ 491231 002").map(|i| i.as_str().to_string()),
            Ok("11010519491231002X".to_string())
        );
        // 18 digits as before; a 15-digit one with an impossible birth date, or any other
        // length, refused as before.
        assert_eq!(
            IdNumber::parse_or_upgrade("11010519491231002X").map(|i| i.as_str().to_string()),
            Ok("11010519491231002X".to_string())
        );
        assert_eq!(
            IdNumber::parse_or_upgrade("110105491331002"),
            Err(ParseError::IdBirthDate)
        );
        assert_eq!(
            IdNumber::parse_or_upgrade("11010549123100"),
            Err(ParseError::IdLength(14))
        );
    }

    #[test]
    fn accepts_typed_forms() {
        for typed in [
            "11010519491231002x",
            " 110105 19491231 002X ",
            "１１０１０５１９４９１２３１００２Ｘ",
            "110105194912310０2ｘ",
            "'11010519491231002X",
            " ‘11010519491231002X",
        ] {
            let id = IdNumber::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(id.as_str(), "11010519491231002X");
        }
    }

    #[test]
    fn rejects_with_reasons() {
        let cases: [(&str, &str); 10] = [
            ("110105194912310021", "id_check"),
            ("1.10105E+17", "scientific_notation"),
            ("1.10105e17", "scientific_notation"),
            ("1.1010519E+1", "scientific_notation"),
            ("11010519491231002", "id_length"),
            ("1101051949123100211", "id_length"),
            ("11010519491231002Y", "id_characters"),
            ("1101**********002X", "id_masked"),
            ("", "empty"),
            ("110105194902300027", "id_birth_date"),
        ];
        for (input, code) in cases {
            // Make the birth-date case carry a right check character, so only the date is wrong.
            let input = if code == "id_birth_date" {
                let first17 = &input.as_bytes()[..17];
                format!("{}{}", &input[..17], check_char(first17) as char)
            } else {
                input.to_string()
            };
            match IdNumber::parse(&input) {
                Ok(_) => panic!("{input} accepted"),
                Err(e) => assert_eq!(e.code(), code, "{input}: {e}"),
            }
        }
        let e = IdNumber::parse("110105194912310021").err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("证件号码校验码错误：应为X，实为1")
        );
        let e = IdNumber::parse("6.20102E+17").err().map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|e| e.starts_with("证件号码被 Excel 显示成了科学计数法")),
            "{e:?}"
        );
    }

    #[test]
    fn masks_phone() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0931-8888888"), "093*****8888");
    }

    proptest! {
        #[test]
        fn any_17_digits_with_their_check_char_parse(digits in proptest::collection::vec(0u8..10, 17)) {
            let mut s: Vec<u8> = digits.iter().map(|d| b'0' + d).collect();
            // a valid birth date: 1990-01-01
            s[6..14].copy_from_slice(b"19900101");
            let c = check_char(&s);
            s.push(c);
            let text = String::from_utf8(s).unwrap_or_default();
            let id = IdNumber::parse(&text);
            prop_assert!(id.is_ok());
            // and any other check character is refused
            for other in b"0123456789X" {
                if *other != c {
                    let mut t = text.clone().into_bytes();
                    t[17] = *other;
                    let t = String::from_utf8(t).unwrap_or_default();
                    prop_assert!(IdNumber::parse(&t).is_err());
                }
            }
        }

        /// The 18 characters as they are (taken without `typed_form`) and the same typed with a
        /// space in them give the same number or the same error.
        #[test]
        fn plain_and_typed_forms_agree(s in "[0-9]{6}(19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx]") {
            let typed = format!("{} {}", &s[..6], &s[6..]);
            prop_assert_eq!(IdNumber::parse(&s), IdNumber::parse(&typed));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = IdNumber::parse(&s);
        }
    }
}
