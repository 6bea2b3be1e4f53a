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
    leave_story(&app, &ids).await;
    app.close().await;
}

async fn caller_named(app: &App, name: &str) -> Caller {
    Caller {
        user: app.user_by_name(Manager::CommandLine, name).await.unwrap(),
        via: Via::Session,
    }
}

/// 请假审批: a team member asks for leave, the township approves it; its working days count as
/// leave, not absence; a 请假 word without an approved leave is flagged; a request is decided
/// once, by who may approve within the area, never another county's.
async fn leave_story(app: &App, ids: &[i64]) {
    use chrono::Datelike;
    use zhenxing_domain::attendance::LeaveStatus;
    let u = app
        .add_user(
            Manager::CommandLine,
            AddUser {
                name: "乡干部".into(),
                role: Role::TownshipOfficer,
                area: area("620102001"),
                password: Some("correct-horse-9".into()),
            },
        )
        .await
        .unwrap();
    assert!(u.user.id > 0);
    let member = caller_named(app, "队员甲").await;
    let township = caller_named(app, "乡干部").await;
    let county = caller_named(app, "县干部").await;
    let other = caller_named(app, "队员丙").await;
    let today = zhenxing_domain::today_in_china();
    // The latest working days of the last week on the province's calendar.
    let year = zhenxing_domain::PolicyYear::new(today.year() as u16).unwrap();
    let calendar = app
        .policy_in_force(area("620000"), year)
        .await
        .unwrap()
        .policy
        .calendar;
    let working: Vec<NaiveDate> = (0..=7)
        .map(|k| today - chrono::Days::new(k))
        .filter(|d| calendar.is_working_day(*d))
        .collect();

    // Who does not check in asks for no leave; a request must make sense.
    assert!(matches!(
        app.request_leave(&county, today, today, "事假").await,
        Err(AppError::Forbidden)
    ));
    let backwards = app
        .request_leave(&member, today, today - chrono::Days::new(1), "事假")
        .await;
    assert!(
        matches!(&backwards, Err(AppError::Invalid(why)) if why.contains("早于开始日期")),
        "{backwards:?}"
    );
    let Some(&d) = working.first() else {
        return; // a week of holidays: nothing to count
    };
    let before = app
        .attendance(&county, area("620102"), Some(d))
        .await
        .unwrap();
    let row = |a: &zhenxing_app::attendance::Attendance| {
        a.rows.iter().find(|r| r.name == "队员甲").unwrap().month
    };
    let id = app
        .request_leave(&member, d, d, "家中老人住院")
        .await
        .unwrap();
    let overlap = app.request_leave(&member, d, d, "又一次").await;
    assert!(
        matches!(&overlap, Err(AppError::Invalid(why)) if why.contains("重叠")),
        "{overlap:?}"
    );
    // Pending: nothing changes yet; the request is listed.
    let pending = app
        .attendance(&county, area("620102"), Some(d))
        .await
        .unwrap();
    assert_eq!(row(&pending), row(&before));
    let listed = pending.leave.iter().find(|l| l.request.id == id).unwrap();
    assert_eq!(
        (listed.name.as_str(), listed.request.status),
        ("队员甲", LeaveStatus::Pending)
    );
    // Another county's approver: not found; a member may not approve.
    let elsewhere = app
        .add_user(
            Manager::CommandLine,
            AddUser {
                name: "永登县干部".into(),
                role: Role::CountyOfficer,
                area: area("620121"),
                password: Some("correct-horse-9".into()),
            },
        )
        .await
        .unwrap();
    let elsewhere = Caller {
        user: elsewhere.user,
        via: Via::Session,
    };
    assert!(matches!(
        app.decide_leave(&elsewhere, id, true, None).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.decide_leave(&other, id, true, None).await,
        Err(AppError::Forbidden)
    ));
    let decided = app
        .decide_leave(&township, id, true, Some("注意安全"))
        .await
        .unwrap();
    assert_eq!(decided.status, LeaveStatus::Approved);
    assert_eq!(decided.decided_by.as_deref(), Some("乡干部"));
    let again = app.decide_leave(&county, id, false, None).await;
    assert!(
        matches!(&again, Err(AppError::Invalid(why)) if why.contains("已审批")),
        "{again:?}"
    );
    // The approved day: on leave, not absent (it had no word).
    let after = app
        .attendance(&county, area("620102"), Some(d))
        .await
        .unwrap();
    let (b, a) = (row(&before), row(&after));
    assert_eq!((a.leave, a.absent), (b.leave + 1, b.absent - 1));
    assert_eq!(a.leave_unapproved, b.leave_unapproved);
    // A 请假 word on the approved day is approved; on another working day, refused, it is not.
    app.store()
        .check_in(ids[0], area("620102001001"), d, CheckinKind::Leave, None)
        .await
        .unwrap();
    let same = row(&app
        .attendance(&county, area("620102"), Some(d))
        .await
        .unwrap());
    assert_eq!(
        (same.leave, same.leave_unapproved),
        (a.leave, a.leave_unapproved)
    );
    if let Some(&d2) = working.iter().find(|x| x.month() == d.month() && **x != d) {
        let refused = app.request_leave(&member, d2, d2, "私事").await.unwrap();
        app.decide_leave(&county, refused, false, Some("工作任务重"))
            .await
            .unwrap();
        app.store()
            .check_in(ids[0], area("620102001001"), d2, CheckinKind::Leave, None)
            .await
            .unwrap();
        let flagged = row(&app
            .attendance(&county, area("620102"), Some(d))
            .await
            .unwrap());
        assert_eq!(flagged.leave_unapproved, same.leave_unapproved + 1);
    }
    // Another county's reader does not see the request.
    let own = app
        .attendance(&other, area("620121100001"), Some(d))
        .await
        .unwrap();
    assert!(own.leave.is_empty());

    // Withdrawn by who asked: a leave begun cannot be; one pending or not begun can, once,
    // and its days may be asked for again.
    let begun = app.withdraw_leave(&member, id).await;
    assert!(
        matches!(&begun, Err(AppError::Invalid(why)) if why.contains("已于") && why.contains("开始，不能撤回")),
        "{begun:?}"
    );
    let later = today + chrono::Days::new(3);
    let ahead = app
        .request_leave(&member, later, later + chrono::Days::new(1), "探亲")
        .await
        .unwrap();
    assert!(matches!(
        app.withdraw_leave(&township, ahead).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        app.withdraw_leave(&other, ahead).await,
        Err(AppError::NotFound)
    ));
    let w = app.withdraw_leave(&member, ahead).await.unwrap();
    assert_eq!(w.status, LeaveStatus::Withdrawn);
    let twice = app.withdraw_leave(&member, ahead).await;
    assert!(
        matches!(&twice, Err(AppError::Invalid(why)) if why.contains("已撤回")),
        "{twice:?}"
    );
    assert!(
        matches!(
            app.decide_leave(&township, ahead, true, None).await,
            Err(AppError::Invalid(_))
        ),
        "a withdrawn request is not decided"
    );
    let asked_again = app
        .request_leave(&member, later, later, "探亲")
        .await
        .expect("the withdrawn days are free");
    app.decide_leave(&township, asked_again, true, None)
        .await
        .unwrap();
    let w = app.withdraw_leave(&member, asked_again).await.unwrap();
    assert_eq!(w.status, LeaveStatus::Withdrawn, "approved, not begun");
    let listed = app
        .attendance(&county, area("620102"), Some(later))
        .await
        .unwrap();
    assert!(
        listed
            .leave
            .iter()
            .filter(|l| l.request.id == ahead || l.request.id == asked_again)
            .all(|l| l.request.status == LeaveStatus::Withdrawn)
    );
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
