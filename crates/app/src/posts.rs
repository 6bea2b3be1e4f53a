//! Policies and work news (政策文件库, 工作动态): published by an office to its area (who may:
//! `Permission::Publish`), read by the users of the area, of the areas under it and of those
//! above it. Audited (`publish_post`).

use chrono::NaiveDate;
use zhenxing_domain::AreaCode;
use zhenxing_domain::post::{Attachment, AttachmentError, AttachmentMeta, Post, PostKind};
use zhenxing_domain::{Permission, today_in_china};
use zhenxing_store::accounts::NewAudit;
use zhenxing_store::{Actor, StoredPost};

use crate::auth::Caller;
use crate::{App, AppError};

/// Posts a list shows at a time.
pub const PAGE: u32 = 50;

impl App {
    /// Publishes a post to the caller's area; its id. What was typed wrong is told, each field
    /// with why, and nothing is written.
    pub async fn publish(
        &self,
        caller: &Caller,
        kind: PostKind,
        title: &str,
        body: &str,
        source: Option<&str>,
        published_on: Option<NaiveDate>,
    ) -> Result<i64, AppError> {
        self.publish_with(caller, kind, title, body, source, published_on, Vec::new())
            .await
    }

    /// [`App::publish`] with files attached (each a name as uploaded and its bytes): every
    /// file checked (its kind read from its first bytes, its size), each problem told with the
    /// post's, and nothing written unless all are right.
    #[allow(clippy::too_many_arguments)]
    pub async fn publish_with(
        &self,
        caller: &Caller,
        kind: PostKind,
        title: &str,
        body: &str,
        source: Option<&str>,
        published_on: Option<NaiveDate>,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<i64, AppError> {
        caller.require(Permission::Publish)?;
        let today = today_in_china();
        let post = Post::new(
            kind,
            title,
            body,
            source,
            published_on.unwrap_or(today),
            today,
        );
        let mut problems: Vec<String> = match &post {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .iter()
                .map(|(field, why)| format!("{field}：{why}"))
                .collect(),
        };
        let too_many = files.len() > Attachment::MAX_PER_POST;
        if too_many {
            problems.push(AttachmentError::TooMany.to_string());
        }
        let mut attachments = Vec::with_capacity(files.len());
        // Too many: said once, not each file's own problems besides.
        for (name, bytes) in files.into_iter().filter(|_| !too_many) {
            match Attachment::parse(&name, bytes) {
                Ok(a) => attachments.push(a),
                Err(e) => problems.push(e.to_string()),
            }
        }
        let post = match post {
            Ok(p) if problems.is_empty() => p,
            _ => return Err(AppError::Invalid(problems.join("；"))),
        };
        let area = caller.user.area;
        let id = self
            .store()
            .add_post(&caller.actor(), area, &post, &attachments)
            .await?;
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "publish_post",
                area: Some(area),
                subject: format!("post:{id}"),
                before: String::new(),
                after: serde_json::json!({
                    "kind": post.kind.label(),
                    "title": post.title,
                    "attachments": attachments.iter().map(|a| &a.name).collect::<Vec<_>>(),
                })
                .to_string(),
            },
        )
        .await?;
        Ok(id)
    }

    /// The posts the caller sees, newest first (`before`: ids below it, for the next page).
    pub async fn posts(
        &self,
        caller: &Caller,
        kind: Option<PostKind>,
        before: Option<i64>,
    ) -> Result<Vec<StoredPost>, AppError> {
        caller.require(Permission::ReadRegistry)?;
        Ok(self
            .store()
            .posts(caller.user.area, kind, before, PAGE)
            .await?)
    }

    /// One post the caller sees.
    pub async fn post(&self, caller: &Caller, id: i64) -> Result<StoredPost, AppError> {
        caller.require(Permission::ReadRegistry)?;
        self.store()
            .post(caller.user.area, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Withdraws (撤回) a post published to the caller's area or one under it, for a user who
    /// may publish. Audited.
    pub async fn withdraw_post(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        caller.require(Permission::Publish)?;
        let post = self.post(caller, id).await?;
        if !caller.scope().contains(post.area)
            || !self
                .store()
                .withdraw_post(caller.user.area, id, &caller.user.name)
                .await?
        {
            return Err(AppError::NotFound);
        }
        self.audit(
            &caller.actor(),
            NewAudit {
                action: "withdraw_post",
                area: Some(post.area),
                subject: format!("post:{id}"),
                before: serde_json::json!({
                    "kind": post.post.kind.label(),
                    "title": post.post.title,
                })
                .to_string(),
                after: String::new(),
            },
        )
        .await?;
        Ok(())
    }

    /// The attachments of a post the caller sees, in their order.
    pub async fn post_attachments(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<Vec<AttachmentMeta>, AppError> {
        caller.require(Permission::ReadRegistry)?;
        Ok(self.store().post_attachments(caller.user.area, id).await?)
    }

    /// One attachment of a post the caller sees, with its bytes.
    pub async fn post_attachment(
        &self,
        caller: &Caller,
        id: i64,
        seq: i64,
    ) -> Result<(AttachmentMeta, Vec<u8>), AppError> {
        caller.require(Permission::ReadRegistry)?;
        self.store()
            .post_attachment(caller.user.area, id, seq)
            .await?
            .ok_or(AppError::NotFound)
    }
}

impl App {
    /// The demo's posts: the province's policy of the year in words (from the policy in force)
    /// and a work news item of `county`; their count.
    pub async fn add_demo_posts(
        &self,
        county: AreaCode,
        today: NaiveDate,
    ) -> Result<usize, AppError> {
        let actor = Actor {
            user_id: None,
            name: "演示数据".into(),
        };
        let mut n = 0;
        if let (Some(province), Ok(year)) = (
            zhenxing_domain::policy::Policy::province_of(county),
            crate::monitoring::policy::year_of(today),
        ) && let Ok(found) = self.policy_in_force(province, year).await
        {
            let p = &found.policy;
            let d = &p.deadlines;
            let body = [
                format!("各市州、县（市、区）：现将{}的主要参数通知如下。", p.title),
                format!(
                    "一、监测范围：家庭年人均纯收入低于{}元的农户，以及因病、因残、因灾等刚性支出较大或收入大幅缩减的农户，应纳尽纳。",
                    p.threshold.yuan_string().trim_end_matches(".00")
                ),
                format!(
                    "二、识别程序：入户核实{}内完成，整个识别程序{}内完成；村内公示不少于{}；部门预警线索{}内核实。",
                    d.home_visit, d.whole, p.notice, d.warning_verification
                ),
                format!(
                    "三、帮扶：一户一策，有劳动能力的监测户识别后{}内落实开发式帮扶措施。",
                    d.development_measure
                ),
                format!("四、风险消除：严格执行“七不消”（{}）。", p.blockers.iter().map(|b| b.label.as_str()).collect::<Vec<_>>().join("；")),
                "本通知为演示数据，请以省里正式文件为准。".to_string(),
            ]
            .join("\n");
            if let Ok(post) = Post::new(
                PostKind::Policy,
                &format!("关于印发《{}》的通知", p.title),
                &body,
                Some("演示文件"),
                today,
                today,
            ) {
                self.store().add_post(&actor, province, &post, &[]).await?;
                n += 1;
            }
        }
        let name = self
            .tree()
            .await
            .name(county)
            .unwrap_or_default()
            .to_string();
        if let Ok(post) = Post::new(
            PostKind::News,
            &format!("{name}开展防返贫监测集中排查"),
            &format!(
                "{name}组织乡镇干部、村干部和驻村工作队，对脱贫户和边缘户逐户开展集中排查，重点核实收入变化、刚性支出和“三保障”情况，对发现的风险线索当日登记、限期核实。（演示数据）"
            ),
            None,
            today,
            today,
        ) {
            self.store().add_post(&actor, county, &post, &[]).await?;
            n += 1;
        }
        Ok(n)
    }
}
