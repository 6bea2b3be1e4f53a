//! Every value parser at the edge: none may panic, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhenxing_domain::{AreaCode, HouseholdNo, IdNumber, LedgerDate, Money, PolicyYear, RiskTypes};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = IdNumber::parse(s) {
        // A parsed number always has a birth date and masks to the same length.
        assert!(id.birth_date().is_some());
        assert_eq!(id.masked().chars().count(), 18);
    }
    if let Ok(id) = IdNumber::parse_or_upgrade(s) {
        // An upgraded number is an ID number as any other: it parses as itself.
        assert_eq!(IdNumber::parse(id.as_str()), Ok(id));
    }
    if let Ok(code) = AreaCode::parse(s) {
        assert_eq!(AreaCode::parse(&code.to_string()), Ok(code));
    }
    if let Ok(m) = Money::parse_yuan(s) {
        assert_eq!(Money::parse_yuan(&m.yuan_string()), Ok(m));
    }
    if let Ok(m) = Money::parse_wan_yuan(s) {
        // In 万元 to the fen: the same amount in yuan is the same money.
        assert_eq!(Money::parse_yuan(&m.yuan_string()), Ok(m));
    }
    let _ = zhenxing_domain::project::ProjectNo::parse(s);
    let _ = zhenxing_domain::project::ProjectStage::parse(s);
    if let Ok(d) = LedgerDate::parse(s) {
        assert_eq!(LedgerDate::from_stored(&d.to_string()), Ok(d));
    }
    let _ = HouseholdNo::parse(s);
    let _ = PolicyYear::parse(s);
    let _ = RiskTypes::parse(s);
});
