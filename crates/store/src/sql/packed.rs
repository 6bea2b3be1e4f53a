//! Many rows in one value: `SELECT <fields> FROM <from>` answered as a single JSON array of
//! arrays, parsed in place. For lookups and groupings of many rows whose fields are integers,
//! nulls or plain strings (ID numbers, codes, household numbers, digests): one value instead of
//! hundreds of thousands of rows, because the SQLite driver's cost per row (a message between
//! threads and an allocation per value) was several times the query itself. JSON rather than
//! `||` concatenation: SQLite builds it in one buffer (a 20-column, 19,224-row read: 72 ms with
//! `group_concat(a || ',' || b ...)`, 20 ms with `json_group_array(json_array(a, b, ...))`).

use super::{Backend, Tx, Value};
use crate::{StoreError, StoreResult};

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("packed answer: {what}"))
}

/// The rows of `SELECT <fields> FROM <from>` packed into one text value (empty when none).
pub(super) async fn fetch_packed(
    tx: &mut dyn Tx,
    backend: Backend,
    fields: &[&str],
    from: &str,
    args: &[Value<'_>],
) -> StoreResult<String> {
    let fields = fields.join(", ");
    let aggregate = match backend {
        Backend::Sqlite => format!("json_group_array(json_array({fields}))"),
        Backend::Postgres => format!("json_agg(json_build_array({fields}))::text"),
    };
    let rows = tx
        .fetch(&format!("SELECT {aggregate} FROM {from}"), args)
        .await?;
    Ok(match rows.first() {
        Some(r) => r.opt_text(0)?.unwrap_or_default(),
        None => String::new(),
    })
}

/// A position in a packed answer.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    /// The next byte after any white space, consumed.
    fn next_byte(&mut self) -> Option<u8> {
        self.skip_space();
        let b = *self.text.as_bytes().get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn expect(&mut self, want: u8) -> StoreResult<()> {
        match self.next_byte() {
            Some(b) if b == want => Ok(()),
            Some(b) => Err(corrupt(format!(
                "expected '{}' at {}, found '{}'",
                want as char,
                self.pos - 1,
                b as char
            ))),
            None => Err(corrupt(format!("expected '{}' at the end", want as char))),
        }
    }

    /// One value: a string's contents, a number or `true`/`false` as written, null as "".
    fn value(&mut self) -> StoreResult<&'a str> {
        self.skip_space();
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) == Some(&b'"') {
            let start = self.pos + 1;
            let len = bytes[start..]
                .iter()
                .position(|b| *b == b'"')
                .ok_or_else(|| corrupt("unterminated string"))?;
            let s = &self.text[start..start + len];
            if s.contains('\\') {
                return Err(corrupt(format!("escaped string near {start}")));
            }
            self.pos = start + len + 1;
            return Ok(s);
        }
        let start = self.pos;
        while self.pos < bytes.len()
            && !matches!(bytes[self.pos], b',' | b']' | b'[' | b'"')
            && !bytes[self.pos].is_ascii_whitespace()
        {
            self.pos += 1;
        }
        match &self.text[start..self.pos] {
            "" => Err(corrupt(format!("missing value at {start}"))),
            "null" => Ok(""),
            token => Ok(token),
        }
    }

    /// The fields of one row (`[a, b, ...]`), each passed to `put` with its index; the number of
    /// fields.
    fn row(
        &mut self,
        mut put: impl FnMut(usize, &'a str) -> StoreResult<()>,
    ) -> StoreResult<usize> {
        self.expect(b'[')?;
        self.skip_space();
        if self.text.as_bytes().get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(0);
        }
        let mut n = 0;
        loop {
            put(n, self.value()?)?;
            n += 1;
            match self.next_byte() {
                Some(b',') => {}
                Some(b']') => return Ok(n),
                _ => return Err(corrupt(format!("bad row end at {}", self.pos))),
            }
        }
    }
}

/// Rows of a packed answer, parsed one at a time.
struct Rows<'a> {
    cursor: Cursor<'a>,
    /// Nothing more to read (the end, or after an error).
    done: bool,
    started: bool,
}

impl<'a> Rows<'a> {
    fn new(text: &'a str) -> Rows<'a> {
        let mut cursor = Cursor { text, pos: 0 };
        cursor.skip_space();
        let done = cursor.pos == text.len();
        Rows {
            cursor,
            done,
            started: false,
        }
    }

    /// Reads the next row into `put`: `None` after the last.
    fn next_row(
        &mut self,
        put: impl FnMut(usize, &'a str) -> StoreResult<()>,
    ) -> Option<StoreResult<usize>> {
        if self.done {
            return None;
        }
        let step = (|| {
            if self.started {
                match self.cursor.next_byte() {
                    Some(b',') => {}
                    Some(b']') => return self.end(),
                    _ => return Err(corrupt(format!("bad separator at {}", self.cursor.pos))),
                }
            } else {
                self.started = true;
                self.cursor.expect(b'[')?;
                self.cursor.skip_space();
                if self.cursor.text.as_bytes().get(self.cursor.pos) == Some(&b']') {
                    self.cursor.pos += 1;
                    return self.end();
                }
            }
            self.cursor.row(put).map(Some)
        })();
        match step {
            Ok(Some(n)) => Some(Ok(n)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// After the closing bracket: only white space may follow.
    fn end(&mut self) -> StoreResult<Option<usize>> {
        self.cursor.skip_space();
        if self.cursor.pos == self.cursor.text.len() {
            Ok(None)
        } else {
            Err(corrupt(format!(
                "text after the end at {}",
                self.cursor.pos
            )))
        }
    }
}

/// The rows of a packed answer as arrays of `N` fields, borrowed from the answer (null as "").
pub(super) fn packed_fields<const N: usize>(
    text: &str,
) -> impl Iterator<Item = StoreResult<[&str; N]>> {
    let mut rows = Rows::new(text);
    std::iter::from_fn(move || {
        let mut fields = [""; N];
        let n = rows.next_row(|i, v| {
            *fields
                .get_mut(i)
                .ok_or_else(|| corrupt(format!("a row has more than {N} fields")))? = v;
            Ok(())
        })?;
        Some(n.and_then(|n| {
            if n == N {
                Ok(fields)
            } else {
                Err(corrupt(format!("a row has {n} fields, not {N}")))
            }
        }))
    })
}

/// The rows of a packed answer, each with exactly `width` fields.
pub(super) fn packed_rows(text: &str, width: usize) -> StoreResult<Vec<Vec<&str>>> {
    let mut rows = Rows::new(text);
    let mut out = Vec::new();
    loop {
        let mut fields = Vec::with_capacity(width);
        let Some(n) = rows.next_row(|_, v| {
            fields.push(v);
            Ok(())
        }) else {
            return Ok(out);
        };
        if n? == width {
            out.push(fields);
        } else {
            return Err(corrupt(format!(
                "a row has {} fields, not {width}",
                fields.len()
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_sqlite_and_postgres_write() {
        // SQLite writes no spaces; PostgreSQL's json_agg puts ", " and line breaks between values.
        for text in [
            r#"[[1,"0001",null],[-2,"甘肃 省",true]]"#,
            "[[1, \"0001\", null], \n [-2, \"甘肃 省\", true]]",
        ] {
            let rows: Vec<[&str; 3]> = packed_fields::<3>(text)
                .collect::<StoreResult<_>>()
                .unwrap();
            assert_eq!(rows, [["1", "0001", ""], ["-2", "甘肃 省", "true"]]);
            assert_eq!(
                packed_rows(text, 3).unwrap(),
                [vec!["1", "0001", ""], vec!["-2", "甘肃 省", "true"]]
            );
        }
    }

    #[test]
    fn no_rows() {
        for text in ["", "[]", " [ ] "] {
            assert_eq!(packed_fields::<2>(text).count(), 0, "{text:?}");
            assert!(packed_rows(text, 2).unwrap().is_empty());
        }
    }

    #[test]
    fn a_field_may_hold_commas_and_brackets_inside_quotes() {
        let rows: Vec<[&str; 2]> = packed_fields::<2>(r#"[["a,b]","[c"]]"#)
            .collect::<StoreResult<_>>()
            .unwrap();
        assert_eq!(rows, [["a,b]", "[c"]]);
    }

    #[test]
    fn malformed_answers_are_errors_not_panics() {
        for text in [
            "[[1,2]",
            "[[1,2],]",
            "[[1,2]]x",
            "[[1,,2]]",
            r#"[["a\"b",1]]"#,
            r#"[["abc,1]]"#,
            "[1,2]",
            "{}",
            "[[1,2],[3]]",
            "[[1,2,3]]",
        ] {
            let fields: StoreResult<Vec<[&str; 2]>> = packed_fields::<2>(text).collect();
            assert!(fields.is_err(), "{text:?} parsed as {fields:?}");
            assert!(packed_rows(text, 2).is_err(), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_fails_cleanly(text in "[\\[\\]\",0-9a-z \n\\\\]{0,40}") {
            let _ = packed_fields::<2>(&text).count();
            let _ = packed_rows(&text, 2);
        }

        #[test]
        fn round_trip(rows in proptest::collection::vec(
            (proptest::option::of(-1_000_000_000_000i64..1_000_000_000_000), "[0-9A-Za-z:_ 甘肃]{0,12}"),
            0..50,
        )) {
            let text = serde_json::to_string(
                &rows.iter().map(|(n, s)| serde_json::json!([n, s])).collect::<Vec<_>>()
            ).unwrap();
            let back: Vec<[&str; 2]> = packed_fields::<2>(&text).collect::<StoreResult<_>>().unwrap();
            let want: Vec<[String; 2]> = rows
                .iter()
                .map(|(n, s)| [n.map(|n| n.to_string()).unwrap_or_default(), s.clone()])
                .collect();
            proptest::prop_assert_eq!(back.len(), want.len());
            for (b, w) in back.iter().zip(&want) {
                proptest::prop_assert_eq!(b[0], w[0].as_str());
                proptest::prop_assert_eq!(b[1], w[1].as_str());
            }
        }
    }
}
