//! Policies and work news (政策文件, 工作动态): published by who may, to their area; seen by the
//! users of the area, of those under it and of those above it, never by another county's. On
//! SQLite and on PostgreSQL.

use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::{App, AppError};
use zhenxing_domain::post::PostKind;
use zhenxing_domain::{AreaCode, Role};

use crate::story::{fresh_postgres, postgres_url};

fn user(role: Role, area: &str, id: i64) -> Caller {
    Caller {
        user: zhenxing_app::store::accounts::User {
            id,
            name: format!("{}{id}", role.cli_name()),
            role,
            area: AreaCode::parse(area).unwrap(),
            disabled: false,
            created_at: String::new(),
        },
        via: Via::Session,
    }
}

fn titles(posts: &[zhenxing_app::store::StoredPost]) -> Vec<&str> {
    posts.iter().map(|p| p.post.title.as_str()).collect()
}

async fn posts_story(db: &str) {
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let province = user(Role::ProvinceAdmin, "620000", 1);
    let county_a = user(Role::CountyOfficer, "620102", 2);
    let county_b = user(Role::CountyAdmin, "620121", 3);
    let township_a = user(Role::TownshipOfficer, "620102001", 4);
    let cadre_a = user(Role::VillageCadre, "620102001001", 5);

    let policy = app
        .publish(
            &province,
            PostKind::Policy,
            "关于做好2026年防返贫监测帮扶工作的通知",
            "各市州：\n一、按月排查。\n二、及时纳入。",
            Some("甘乡振发〔2026〕1号"),
            None,
        )
        .await
        .unwrap();
    let news_a = app
        .publish(
            &county_a,
            PostKind::News,
            "城关区召开监测帮扶推进会",
            "会议要求……",
            None,
            None,
        )
        .await
        .unwrap();
    let news_b = app
        .publish(
            &county_b,
            PostKind::News,
            "永登县开展集中排查",
            "全县……",
            None,
            None,
        )
        .await
        .unwrap();
    let township = app
        .publish(
            &township_a,
            PostKind::News,
            "街道入户走访",
            "本周……",
            None,
            None,
        )
        .await
        .unwrap();
    assert!(policy < news_a && news_a < news_b && news_b < township);

    // Each sees what was published to them, above them and below them; newest first.
    let seen = |c: &Caller| {
        let app = app.clone();
        let c = c.clone();
        async move { app.posts(&c, None, None).await.unwrap() }
    };
    assert_eq!(
        titles(&seen(&province).await),
        [
            "街道入户走访",
            "永登县开展集中排查",
            "城关区召开监测帮扶推进会",
            "关于做好2026年防返贫监测帮扶工作的通知"
        ]
    );
    assert_eq!(
        titles(&seen(&county_a).await),
        [
            "街道入户走访",
            "城关区召开监测帮扶推进会",
            "关于做好2026年防返贫监测帮扶工作的通知"
        ]
    );
    assert_eq!(
        titles(&seen(&county_b).await),
        [
            "永登县开展集中排查",
            "关于做好2026年防返贫监测帮扶工作的通知"
        ]
    );
    // A village sees its township's, its county's and the province's.
    assert_eq!(
        titles(&seen(&cadre_a).await),
        [
            "街道入户走访",
            "城关区召开监测帮扶推进会",
            "关于做好2026年防返贫监测帮扶工作的通知"
        ]
    );
    // A village of another township sees the county's and the province's only.
    let cadre_other = user(Role::VillageCadre, "620102002001", 6);
    assert_eq!(
        titles(&seen(&cadre_other).await),
        [
            "城关区召开监测帮扶推进会",
            "关于做好2026年防返贫监测帮扶工作的通知"
        ]
    );
    // By kind, and a page after an id.
    let policies = app
        .posts(&county_a, Some(PostKind::Policy), None)
        .await
        .unwrap();
    assert_eq!(
        titles(&policies),
        ["关于做好2026年防返贫监测帮扶工作的通知"]
    );
    let after = app.posts(&province, None, Some(news_b)).await.unwrap();
    assert_eq!(after.len(), 2);
    // One post: as seen, or not at all.
    let p = app.post(&county_a, policy).await.unwrap();
    assert_eq!(p.post.source.as_deref(), Some("甘乡振发〔2026〕1号"));
    assert_eq!(
        p.post.paragraphs(),
        ["各市州：", "一、按月排查。", "二、及时纳入。"]
    );
    assert!(matches!(
        app.post(&county_a, news_b).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.post(&county_b, township).await,
        Err(AppError::NotFound)
    ));
    // A village cadre may not publish; what is typed wrong is told and nothing written.
    assert!(matches!(
        app.publish(&cadre_a, PostKind::News, "村里", "正文", None, None)
            .await,
        Err(AppError::Forbidden)
    ));
    match app
        .publish(&county_a, PostKind::News, " ", "正文", None, None)
        .await
    {
        Err(AppError::Invalid(why)) => assert_eq!(why, "标题：不能为空"),
        other => panic!("{other:?}"),
    }
    assert_eq!(seen(&province).await.len(), 4);

    // Attachments: kept with the post, byte for byte, seen by who sees it; a file that is not
    // what its name says, or too many, refuses the whole post.
    let pdf = b"%PDF-1.7\n1 0 obj\n".repeat(1000);
    let docx = b"PK\x03\x04word/document.xml".to_vec();
    let with = app
        .publish_with(
            &county_a,
            PostKind::Policy,
            "城关区监测帮扶实施方案",
            "见附件。",
            Some("城乡振发〔2026〕3号"),
            None,
            vec![
                ("C:\\公文\\实施方案.pdf".into(), pdf.clone()),
                ("附表.docx".into(), docx.clone()),
            ],
        )
        .await
        .unwrap();
    let listed = app.post_attachments(&cadre_a, with).await.unwrap();
    let names: Vec<(i64, &str, i64)> = listed
        .iter()
        .map(|a| (a.seq, a.name.as_str(), a.size))
        .collect();
    assert_eq!(
        names,
        [
            (1, "实施方案.pdf", pdf.len() as i64),
            (2, "附表.docx", docx.len() as i64)
        ]
    );
    let (meta, bytes) = app.post_attachment(&cadre_a, with, 1).await.unwrap();
    assert_eq!(
        (meta.content_type.as_str(), bytes),
        ("application/pdf", pdf.clone())
    );
    assert!(matches!(
        app.post_attachment(&county_b, with, 1).await,
        Err(AppError::NotFound)
    ));
    assert!(
        app.post_attachments(&county_b, with)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        app.post_attachment(&cadre_a, with, 3).await,
        Err(AppError::NotFound)
    ));
    match app
        .publish_with(
            &county_a,
            PostKind::Policy,
            "改了扩展名",
            "正文",
            None,
            None,
            vec![
                ("伪装.pdf".into(), b"<html><script>".to_vec()),
                ("页面.html".into(), b"<html>".to_vec()),
            ],
        )
        .await
    {
        Err(AppError::Invalid(why)) => assert_eq!(
            why,
            "附件“伪装.pdf”：文件内容与扩展名不符（可能已损坏或改过扩展名）；附件“页面.html”：只能上传 PDF、OFD、Word（doc/docx）、WPS、Excel（xls/xlsx/et）或图片（jpg/png）"
        ),
        other => panic!("{other:?}"),
    }
    let six = (0..6).map(|i| (format!("{i}.pdf"), pdf.clone())).collect();
    match app
        .publish_with(&county_a, PostKind::Policy, "太多", "正文", None, None, six)
        .await
    {
        Err(AppError::Invalid(why)) => assert_eq!(why, "每篇最多5个附件"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        seen(&province).await.len(),
        5,
        "nothing written for the refused"
    );

    // Withdrawn (撤回) by who may publish in its area or above it: gone for everyone, its
    // attachments too; not by a cadre, another county, or a county under the province's post.
    assert!(matches!(
        app.withdraw_post(&cadre_a, with).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        app.withdraw_post(&county_b, with).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.withdraw_post(&county_a, policy).await,
        Err(AppError::NotFound)
    ));
    app.withdraw_post(&county_a, with).await.unwrap();
    assert!(!titles(&seen(&province).await).contains(&"城关区监测帮扶实施方案"));
    assert!(matches!(
        app.post(&county_a, with).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.post_attachment(&cadre_a, with, 1).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.withdraw_post(&county_a, with).await,
        Err(AppError::NotFound)
    ));
    // The province withdraws a township's post under it.
    app.withdraw_post(&province, township).await.unwrap();
    assert_eq!(seen(&province).await.len(), 3);
    app.close().await;
}

#[tokio::test]
async fn posts_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    posts_story(&dir.path().join("p.db").to_string_lossy()).await;
}

#[tokio::test]
async fn posts_on_postgres() {
    let Some(base) = postgres_url() else { return };
    posts_story(&fresh_postgres(&base).await).await;
}
