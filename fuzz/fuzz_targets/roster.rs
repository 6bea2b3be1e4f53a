//! A roster of village-resident cadres of any bytes (csv or xlsx, by the first byte): finding
//! its header, reading its rows, parsing and checking each, counting the teams, and writing the
//! roster back masked either works or returns an error; it never panics.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use zhenxing_domain::work_team::{TeamFigures, VillageTeam, WorkTeamRule};
use zhenxing_ledger::work_team::{MemberOut, parse_member, read_roster, write_roster};

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(if first & 1 == 0 {
        "花名册.csv"
    } else {
        "花名册.xlsx"
    });
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let Ok(table) = read_roster(&path) else {
        return;
    };
    let rule = WorkTeamRule::default();
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let mut team = VillageTeam::default();
    let mut members = Vec::new();
    for row in table.rows.iter().take(10_000) {
        if let Ok(m) = parse_member(row) {
            for e in m.check(today) {
                let _ = (e.column(), e.to_string());
            }
            team.add(&m, today, &rule);
            members.push(m);
        }
    }
    let mut figures = TeamFigures::default();
    figures.add_village(&team, true, &rule);
    let _ = (figures.secretary_rate(), figures.ex_poor_without_secretary());
    let _ = write_roster(
        &dir.path().join("out.xlsx"),
        "花名册",
        members.iter().map(|m| MemberOut {
            member: m,
            village_name: String::new(),
        }),
        false,
    );
});
