//! Closed lists the users speak in Chinese (household types, risk types, health, ...).
//!
//! Each variant has a fixed numeric code (stored in the database: never renumber), a canonical
//! Chinese label (shown and exported) and aliases accepted on input.

/// Defines an enum whose variants carry a stored code, a label and input aliases.
#[macro_export]
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal {
        $($variant:ident = $code:literal => $label:literal $(| $alias:literal)*),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const LABELS: &'static [&'static str] = &[$($label),+];
            pub const KIND: &'static str = $kind;

            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// The code stored in the database.
            pub fn code(self) -> i64 {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn from_code(code: i64) -> Option<$name> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }

            pub fn parse(input: &str) -> Result<$name, $crate::ParseError> {
                let s = input.trim();
                if s.is_empty() {
                    return Err($crate::ParseError::Empty);
                }
                match s {
                    $($label $(| $alias)* => Ok($name::$variant),)+
                    _ => Err($crate::ParseError::Label { kind: $kind, allowed: Self::LABELS }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.label())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Parses a yes/no flag as ledgers write it.
pub fn parse_flag(input: &str) -> Result<bool, crate::ParseError> {
    match input.trim() {
        "是" | "有" | "1" | "Y" | "y" | "yes" | "true" | "√" | "✓" => Ok(true),
        "否" | "无" | "0" | "N" | "n" | "no" | "false" | "×" => Ok(false),
        "" => Err(crate::ParseError::Empty),
        _ => Err(crate::ParseError::Flag),
    }
}

pub fn flag_label(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

#[cfg(test)]
mod tests {
    use super::*;

    labelled_enum!(Colour, "颜色" { Red = 1 => "红" | "红色", Blue = 2 => "蓝" });

    #[test]
    fn labels_codes_aliases() {
        assert_eq!(Colour::parse(" 红色 "), Ok(Colour::Red));
        assert_eq!(Colour::parse("蓝").map(Colour::code), Ok(2));
        assert_eq!(Colour::from_code(1), Some(Colour::Red));
        assert_eq!(Colour::ALL.len(), 2);
        assert_eq!(Colour::KIND, "颜色");
        let err = Colour::parse("绿").err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("颜色无法识别，可填：红、蓝"));
        assert_eq!(parse_flag("是"), Ok(true));
        assert!(parse_flag("也许").is_err());
    }
}
