//! 驻村考勤: check-ins of those who work in a village, counted on the province's calendar (the
//! 2026 National Day holidays and the Saturday worked in their stead), a later word of a day
//! replacing the earlier; read by the county, not by another. On SQLite and on PostgreSQL.

use chrono::NaiveDate;
use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::users::{AddUser, Manager};
use zhenxing_app::{App, AppError};
use zhenxing_domain::attendance::CheckinKind;
use zhenxing_domain::{AreaCode, Role};

use crate::story::{fresh_postgres, postgres_url};

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn attendance_story(db: &str) {
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let mut ids = Vec::new();
    for (name, role, at) in [
        ("队员甲", Role::TeamMember, "620102001001"),
        ("村干部乙", Role::VillageCadre, "620102001002"),
        ("县干部", Role::CountyOfficer, "620102"),
        ("队员丙", Role::TeamMember, "620121100001"),
    ] {
        let u = app
            .add_user(
                Manager::CommandLine,
                AddUser {
                    name: name.into(),
                    role,
                    area: area(at),
                    password: Some("correct-horse-9".into()),
                },
            )
            .await
            .unwrap();
        ids.push(u.user.id);
    }
    let store = app.store();
    let said = [
        ("2026-10-03", CheckinKind::Present), // a holiday: not counted
        ("2026-10-08", CheckinKind::Present),
        ("2026-10-09", CheckinKind::Present),
        ("2026-10-10", CheckinKind::Present), // the Saturday worked instead
        ("2026-10-12", CheckinKind::Leave),
        ("2026-10-13", CheckinKind::Present),
        ("2026-10-13", CheckinKind::Away), // the day's later word
    ];
    for (d, kind) in said {
        store
            .check_in(ids[0], area("620102001001"), day(d), kind, None)
            .await
            .unwrap();
    }
    store
        .check_in(
            ids[3],
            area("620121100001"),
            day("2026-10-08"),
            CheckinKind::Present,
            None,
        )
        .await
        .unwrap();
    let county = Caller {
        user: app
            .user_by_name(Manager::CommandLine, "县干部")
            .await
            .unwrap(),
        via: Via::Session,
    };
    let a = app
        .attendance(&county, area("620102"), Some(day("2026-10-01")))
        .await
        .unwrap();
    assert_eq!(a.until, day("2026-10-31"));
    let rows: Vec<(&str, u32, u32, u32, u32, u32, String)> = a
        .rows
        .iter()
        .map(|r| {
            let m = r.month;
            (
                r.name.as_str(),
                m.working_days,
                m.present,
                m.away,
                m.leave,
                m.absent,
                m.rate(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("队员甲", 18, 3, 1, 1, 13, "22.2%".to_string()),
            ("村干部乙", 18, 0, 0, 0, 18, "0.0%".to_string()),
        ],
        "the county officer does not check in; another county's member is not here"
    );
    // Another county's reader: not found.
    let other = Caller {
        user: app
            .user_by_name(Manager::CommandLine, "队员丙")
            .await
            .unwrap(),
        via: Via::Session,
    };
    assert!(matches!(
        app.attendance(&other, area("620102"), None).await,
        Err(AppError::NotFound)
    ));
    // The county officer may not check in; a team member may, for today.
    assert!(matches!(
        app.check_in(&county, CheckinKind::Present, None).await,
        Err(AppError::Forbidden)
    ));
    app.check_in(&other, CheckinKind::Present, Some("入户"))
        .await
        .unwrap();
    let own = app
        .attendance(&other, area("620121100001"), None)
        .await
        .unwrap();
    assert_eq!(own.rows[0].today, Some(CheckinKind::Present));
    app.close().await;
}

#[tokio::test]
async fn attendance_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    attendance_story(&dir.path().join("a.db").to_string_lossy()).await;
}

#[tokio::test]
async fn attendance_on_postgres() {
    let Some(base) = postgres_url() else { return };
    attendance_story(&fresh_postgres(&base).await).await;
}
