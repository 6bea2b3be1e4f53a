//! 工作纪实: who works in a village writes the day's log naming the households visited (each
//! registered within their area, else refused), a later log of the day replacing the earlier;
//! the county reads its people's logs of a month, newest first, another county's never; who does
//! not work in a village may not write one. On SQLite and on PostgreSQL.

use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::import::ImportRequest;
use zhenxing_app::store::Actor;
use zhenxing_app::users::{AddUser, Manager};
use zhenxing_app::work_logs::OwnWorkLog;
use zhenxing_app::{App, AppError, NoProgress};
use zhenxing_domain::{AreaCode, Role, Scope, today_in_china};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::{H_HEADER, csv};

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

async fn caller(app: &App, name: &str) -> Caller {
    Caller {
        user: app.user_by_name(Manager::CommandLine, name).await.unwrap(),
        via: Via::Session,
    }
}

async fn work_logs_story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let h = dir.path().join("h.csv");
    std::fs::write(
        &h,
        csv(
            H_HEADER,
            &[
                "L01,620102001001,王家,1,9000,是,,,,否,",
                "L02,620102001001,李家,1,9000,是,,,,否,",
                "L09,620121100001,外县户,1,9000,是,,,,否,",
            ],
        ),
    )
    .unwrap();
    let imported = app
        .import(
            &ImportRequest {
                households: Some(h),
                members: None,
                actor: Actor::command_line(),
                scope: Scope::All,
            },
            &NoProgress,
        )
        .await
        .unwrap();
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    for (name, role, at) in [
        ("队员甲", Role::TeamMember, "620102001001"),
        ("县干部", Role::CountyOfficer, "620102"),
        ("外县队员", Role::TeamMember, "620121100001"),
    ] {
        app.add_user(
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
    }
    let member = caller(&app, "队员甲").await;
    app.write_work_log(&member, None, "走访两户，核实收入。", "L01", None)
        .await
        .unwrap();
    // The day's later log replaces the earlier.
    app.write_work_log(
        &member,
        None,
        "走访王家、李家。\n宣讲防返贫政策。",
        "L01、L02 L01",
        None,
    )
    .await
    .unwrap();
    // A household of another county, a number that is none, nothing written: refused.
    for (body, households, why) in [
        ("走访", "L09", "户编号L09不存在或不在您的管辖范围内"),
        ("走访", "L77", "户编号L77不存在或不在您的管辖范围内"),
        ("  ", "", "请填写今天的工作内容"),
    ] {
        match app
            .write_work_log(&member, None, body, households, None)
            .await
        {
            Err(AppError::Invalid(m)) => assert_eq!(m, why),
            other => panic!("{other:?}"),
        }
    }
    // Written again, today's log comes back whole: its text and households.
    assert_eq!(
        app.own_work_log(&member, today_in_china()).await.unwrap(),
        Some(OwnWorkLog {
            body: "走访王家、李家。\n宣讲防返贫政策。".to_string(),
            households: vec!["L01".to_string(), "L02".to_string()],
            photos: 0,
        })
    );
    // 补写: a day before within the policy's days (3 when a province says nothing); not
    // earlier, not a day to come.
    let today = today_in_china();
    let back = |n: u64| today - chrono::Days::new(n);
    app.write_work_log(
        &member,
        Some(back(3)),
        "补写：入户核实李家务工收入。",
        "L02",
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        app.own_work_log(&member, back(3))
            .await
            .unwrap()
            .map(|l| l.households),
        Some(vec!["L02".to_string()])
    );
    // Photos: kept with the log, replaced when given again, kept when not, removed when none
    // are given; each read by who may read the log, not by another county.
    let jpeg = |n: u8| [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[n; 300][..]].concat();
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[1u8; 100][..]].concat();
    app.write_work_log(
        &member,
        Some(back(3)),
        "补写：入户核实李家务工收入。",
        "L02",
        Some(vec![jpeg(1), png.clone()]),
    )
    .await
    .unwrap();
    let county_reader = caller(&app, "县干部").await;
    let member_id = member.user.id;
    let photo = |n: u32| app.work_log_photo(&county_reader, member_id, back(3), n);
    assert_eq!(
        photo(1).await.unwrap(),
        Some(("image/jpeg".to_string(), jpeg(1)))
    );
    assert_eq!(
        photo(2).await.unwrap(),
        Some(("image/png".to_string(), png.clone()))
    );
    assert_eq!(photo(3).await.unwrap(), None);
    app.write_work_log(&member, Some(back(3)), "补写：改了字。", "L02", None)
        .await
        .unwrap();
    assert_eq!(
        app.own_work_log(&member, back(3))
            .await
            .unwrap()
            .map(|l| l.photos),
        Some(2)
    );
    app.write_work_log(
        &member,
        Some(back(3)),
        "补写：改了字。",
        "L02",
        Some(vec![jpeg(9)]),
    )
    .await
    .unwrap();
    assert_eq!(
        photo(1).await.unwrap(),
        Some(("image/jpeg".to_string(), jpeg(9)))
    );
    assert_eq!(photo(2).await.unwrap(), None);
    // Not a picture, too many: refused, said why, nothing changed.
    for (photos, why) in [
        (vec![b"GIF89a....".to_vec()], "第1张照片："),
        (vec![jpeg(2); 10], "一篇工作纪实最多9张照片"),
    ] {
        match app
            .write_work_log(&member, Some(back(3)), "换", "", Some(photos))
            .await
        {
            Err(AppError::Invalid(m)) => assert!(m.starts_with(why), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        app.own_work_log(&member, back(3))
            .await
            .unwrap()
            .map(|l| (l.body, l.photos)),
        Some(("补写：改了字。".to_string(), 1))
    );
    app.write_work_log(
        &member,
        Some(back(3)),
        "补写：入户核实李家务工收入。",
        "L02",
        Some(Vec::new()),
    )
    .await
    .unwrap();
    assert_eq!(photo(1).await.unwrap(), None);
    for (day, why) in [
        (
            back(4),
            format!(
                "工作纪实最多补写3天前的（{}起），{}的已不能再写",
                back(3),
                back(4)
            ),
        ),
        (
            today + chrono::Days::new(1),
            format!(
                "{}还没到，只能填写今天和以前的工作纪实",
                today + chrono::Days::new(1)
            ),
        ),
    ] {
        match app
            .write_work_log(&member, Some(day), "走访", "", None)
            .await
        {
            Err(AppError::Invalid(m)) => assert_eq!(m, why),
            other => panic!("{other:?}"),
        }
    }
    let other = caller(&app, "外县队员").await;
    app.write_work_log(&other, None, "外县的纪实", "L09", Some(vec![jpeg(5)]))
        .await
        .unwrap();
    assert_eq!(
        app.work_log_photo(&county_reader, other.user.id, today_in_china(), 1)
            .await
            .unwrap(),
        None,
        "another county's log's photo"
    );
    assert_eq!(
        app.work_log_photo(&other, other.user.id, today_in_china(), 1)
            .await
            .unwrap(),
        Some(("image/jpeg".to_string(), jpeg(5)))
    );
    // A county officer does not work in a village: no log of their own.
    let county = caller(&app, "县干部").await;
    assert!(matches!(
        app.write_work_log(&county, None, "县里的工作", "", None)
            .await,
        Err(AppError::Forbidden)
    ));

    let w = app.work_logs(&county, area("620102"), None).await.unwrap();
    let late = app
        .work_logs(&county, area("620102"), Some(back(3)))
        .await
        .unwrap();
    assert!(
        late.rows
            .iter()
            .any(|r| r.day == back(3) && r.body == "补写：入户核实李家务工收入。"),
        "{:?}",
        late.rows
    );
    let w_rows: Vec<_> = w.rows.iter().filter(|r| r.day == today).collect();
    assert_eq!(
        w_rows.len(),
        1,
        "the other county's log is not the county's"
    );
    let r = w_rows[0];
    assert_eq!((r.name.as_str(), r.day), ("队员甲", today_in_china()));
    assert_eq!(r.paragraphs(), ["走访王家、李家。", "宣讲防返贫政策。"]);
    assert_eq!(r.households, ["L01", "L02"]);
    assert_eq!(r.role, Some(Role::TeamMember));
    // The other county's officer-free view: nothing of 城关区 reaches its team member.
    assert!(matches!(
        app.work_logs(&other, area("620102"), None).await,
        Err(AppError::NotFound)
    ));
    // A month to come is told, not read.
    let next = today_in_china() + chrono::Days::new(40);
    assert!(matches!(
        app.work_logs(&county, area("620102"), Some(next)).await,
        Err(AppError::Invalid(_))
    ));
    app.close().await;
}

#[tokio::test]
async fn work_logs_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    work_logs_story(&dir.path().join("l.db").to_string_lossy()).await;
}

#[tokio::test]
async fn work_logs_on_postgres() {
    let Some(base) = postgres_url() else { return };
    work_logs_story(&fresh_postgres(&base).await).await;
}
