//! Key assistance counties (乡村振兴重点帮扶县, DOMAIN §11): the national list (Gansu 23) and the
//! province's own (Gansu 16) get the policy's tilt and their own line in every dispatch. Which
//! counties they are is data the province loads (`zhenxing key-counties`), not code.

use crate::labelled_enum;

labelled_enum!(
    /// 重点帮扶县类别.
    KeyCountyKind, "重点帮扶县类别" {
        National = 1 => "国家乡村振兴重点帮扶县" | "国家重点帮扶县" | "国家级" | "国家",
        Provincial = 2 => "省乡村振兴重点帮扶县" | "省级重点帮扶县" | "省重点帮扶县" | "省级" | "省",
    }
);

impl KeyCountyKind {
    /// The short name a table's line uses.
    pub fn short(self) -> &'static str {
        match self {
            KeyCountyKind::National => "国家重点帮扶县",
            KeyCountyKind::Provincial => "省级重点帮扶县",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_the_names_lists_use() {
        assert_eq!(KeyCountyKind::parse("国家级"), Ok(KeyCountyKind::National));
        assert_eq!(
            KeyCountyKind::parse(" 省乡村振兴重点帮扶县 "),
            Ok(KeyCountyKind::Provincial)
        );
        assert!(KeyCountyKind::parse("市级").is_err());
        assert_eq!(KeyCountyKind::Provincial.short(), "省级重点帮扶县");
    }
}
