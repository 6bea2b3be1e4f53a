//! Accounts, sessions, tokens, the audit chain and household search, told against SQLite and,
//! in CI, PostgreSQL (the SQL is written once for both).

use zhenxing_app::App;
use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::import::ImportRequest;
use zhenxing_app::store::search::{HouseholdFilter, SearchText};
use zhenxing_app::users::{AddUser, Manager};
use zhenxing_app::{AppError, NoProgress};
use zhenxing_domain::{AreaCode, HouseholdNo, Role, Scope};
use zhenxing_store::Actor;

use crate::story::{fresh_postgres, postgres_url};
use crate::support::*;

async fn accounts_story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let wang = id("620102", "19700101", 1);
    let rows: Vec<String> = (0..30)
        .map(|i| format!("K{i:02},620102010201,郭{i},1,9000,否,,,,否,"))
        .chain(["Z01,620521100001,李强,1,9000,否,边缘易致贫户,因灾,2023-07-15,否,".to_string()])
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let h = dir.path().join("h.csv");
    std::fs::write(&h, csv(H_HEADER, &rows)).unwrap();
    let m = dir.path().join("m.csv");
    std::fs::write(
        &m,
        csv(
            M_HEADER,
            &[&format!("1,K07,{wang},王伟,男,1970-01-01,户主,健康")],
        ),
    )
    .unwrap();
    let req = ImportRequest {
        households: Some(h),
        members: Some(m),
        actor: Actor {
            user_id: None,
            name: "故事".into(),
        },
        scope: Scope::All,
    };
    let report = app.import(&req, &NoProgress).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);

    // Users: the name is unique; the role must fit the area's level.
    let county = AreaCode::parse("620102").unwrap();
    let add = |name: &str, role, area| AddUser {
        name: name.into(),
        role,
        area,
        password: Some("password-123".into()),
    };
    let officer = app
        .add_user(
            Manager::CommandLine,
            add("officer", Role::CountyOfficer, county),
        )
        .await
        .unwrap()
        .user;
    assert!(matches!(
        app.add_user(
            Manager::CommandLine,
            add("officer", Role::CountyOfficer, county)
        )
        .await,
        Err(AppError::UserExists(_))
    ));
    assert!(matches!(
        app.add_user(Manager::CommandLine, add("x", Role::VillageCadre, county))
            .await,
        Err(AppError::Invalid(_))
    ));
    let other = app
        .add_user(
            Manager::CommandLine,
            add(
                "other",
                Role::CountyAdmin,
                AreaCode::parse("620521").unwrap(),
            ),
        )
        .await
        .unwrap()
        .user;
    let users = app.accounts().users(Scope::Area(county)).await.unwrap();
    assert_eq!(
        users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["officer"]
    );

    // Sessions and tokens.
    let ok = app
        .login("officer", "password-123", "127.0.0.1")
        .await
        .unwrap();
    let session = app.session(&ok.session_token).await.unwrap().unwrap();
    assert_eq!(
        (session.caller.user.id, session.csrf_token.as_str()),
        (officer.id, ok.csrf_token.as_str())
    );
    assert!(matches!(
        app.login("officer", "wrong", "127.0.0.1").await,
        Err(AppError::LoginFailed)
    ));
    let caller = Caller {
        user: officer.clone(),
        via: Via::Session,
    };
    let (token, secret) = app.create_token(&caller, "对接").await.unwrap();
    assert_eq!(
        app.token_caller(&secret).await.unwrap().map(|c| c.user.id),
        Some(officer.id)
    );
    let stranger = Caller {
        user: other.clone(),
        via: Via::Session,
    };
    assert!(matches!(
        app.revoke_token(&stranger, token.id).await,
        Err(AppError::NotFound)
    ));
    app.revoke_token(&caller, token.id).await.unwrap();
    assert!(app.token_caller(&secret).await.unwrap().is_none());
    app.reset_password(
        Manager::CommandLine,
        officer.id,
        Some("another-pass-1".into()),
    )
    .await
    .unwrap();
    assert!(
        app.session(&ok.session_token).await.unwrap().is_none(),
        "a new password ends the sessions"
    );
    app.logout(&ok.session_token).await.unwrap();

    // Search within the scope, by ID, name prefix, number; pages by cursor.
    let find = |text: &str| {
        let app = app.clone();
        let caller = caller.clone();
        let filter = HouseholdFilter {
            text: SearchText::parse(text),
            ..HouseholdFilter::default()
        };
        async move {
            app.households(&caller, county, &filter, None, 50)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.summary.no.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find(&wang).await, ["K07"]);
    assert_eq!(find("王伟").await, ["K07"]);
    assert_eq!(
        find("郭2").await,
        [
            "K02", "K20", "K21", "K22", "K23", "K24", "K25", "K26", "K27", "K28", "K29"
        ]
    );
    assert_eq!(find("K15").await, ["K15"]);
    assert!(
        find("Z01").await.is_empty(),
        "another county's household is not found"
    );
    let all = HouseholdFilter::default();
    let first = app
        .households(&caller, county, &all, None, 20)
        .await
        .unwrap();
    let second = app
        .households(&caller, county, &all, first.next.as_deref(), 20)
        .await
        .unwrap();
    assert_eq!(
        (first.rows.len(), second.rows.len(), second.next.as_deref()),
        (20, 10, None)
    );
    assert_eq!(second.rows[0].summary.no.as_str(), "K20");
    let monitored = HouseholdFilter {
        monitored: Some(true),
        ..HouseholdFilter::default()
    };
    let p = app
        .households(
            &Caller {
                user: other.clone(),
                via: Via::Token,
            },
            AreaCode::parse("620521").unwrap(),
            &monitored,
            None,
            50,
        )
        .await
        .unwrap();
    assert_eq!(p.rows.len(), 1);
    assert!(matches!(
        app.households(&caller, AreaCode::parse("620521").unwrap(), &all, None, 50)
            .await,
        Err(AppError::NotFound)
    ));

    // Whole view, audited; the chain verifies.
    let d = app
        .household(&caller, &HouseholdNo::parse("K07").unwrap(), true)
        .await
        .unwrap();
    assert_eq!(d.members[0].id_text, wang);
    let check = app.verify_audit().await.unwrap();
    assert_eq!(check.broken_at, None);
    let actions: Vec<String> = app
        .accounts()
        .audit_chain(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "user_create",
            "user_create",
            "login",
            "token_create",
            "token_revoke",
            "user_reset_password",
            "reveal_personal_data"
        ]
    );
    assert_eq!(check.entries, 7);
}

#[tokio::test]
async fn accounts_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    accounts_story(&dir.path().join("a.db").to_string_lossy()).await;
}

#[tokio::test]
async fn accounts_on_postgres() {
    let Some(base) = postgres_url() else { return };
    accounts_story(&fresh_postgres(&base).await).await;
}

/// The audit log refuses to be edited in place, on SQLite (the chain shows any edit made around
/// the triggers).
#[tokio::test]
async fn the_audit_log_is_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let app = App::open(&db.to_string_lossy()).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    for name in ["one", "two"] {
        app.add_user(
            Manager::CommandLine,
            AddUser {
                name: name.into(),
                role: Role::Auditor,
                area: AreaCode::parse("62").unwrap(),
                password: None,
            },
        )
        .await
        .unwrap();
    }
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    assert!(
        sqlx::query("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
            .execute(&pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_log WHERE seq = 1")
            .execute(&pool)
            .await
            .is_err()
    );
    // Around the triggers, an edit breaks the chain at the edited entry.
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(app.verify_audit().await.unwrap().broken_at, Some(1));
}
