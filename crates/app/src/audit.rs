//! The audit log: reading it (auditors, within their area) and checking its hash chain.

use zhenxing_domain::Permission;
use zhenxing_domain::audit::{AuditFields, GENESIS, entry_hash};
use zhenxing_store::Actor;
use zhenxing_store::accounts::{AuditRecord, NewAudit};

use crate::auth::Caller;
use crate::{App, AppError};

#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<AuditRecord>,
    /// Pass as `before` for the next (older) page.
    pub next_before: Option<i64>,
}

/// The result of walking the chain from the first entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub entries: u64,
    /// The first entry whose hashes do not hold.
    pub broken_at: Option<i64>,
    /// The chain ends before (or after) the head recorded with the last append: entries were
    /// cut off the end (or added past it).
    pub head_mismatch: Option<(i64, i64)>,
}

impl ChainCheck {
    pub fn intact(&self) -> bool {
        self.broken_at.is_none() && self.head_mismatch.is_none()
    }
}

/// A Chinese name for each action code.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "login" => "登录",
        "reveal_personal_data" => "查看完整身份证号和电话",
        "import" => "导入台账",
        "export" => "导出台账",
        "user_create" => "新增用户",
        "user_reset_password" => "重置密码",
        "user_disable" => "停用用户",
        "user_enable" => "启用用户",
        "token_create" => "创建API令牌",
        "token_revoke" => "吊销API令牌",
        "rejected_rows" => "下载未导入的行",
        "export_list" => "导出农户名单",
        "close_household" => "销户",
        "edit_household" => "修改农户信息",
        "add_member" => "新增家庭成员",
        "edit_member" => "修改家庭成员",
        "remove_member" => "家庭成员减少",
        "import_projects" => "导入项目台账",
        "import_loans" => "导入小额信贷台账",
        "publish_post" => "发布政策文件或工作动态",
        "withdraw_post" => "撤回政策文件或工作动态",
        "import_construction" => "导入乡村建设台账",
        "import_cooperation" => "导入东西部协作和定点帮扶台账",
        "import_employment_targets" => "下达务工就业目标",
        "import_team_trainings" => "导入驻村干部培训台账",
        "import_work_teams" => "导入驻村工作队名册",
        "draw_phone_checks" => "抽取电话抽查对象",
        "record_phone_check" => "记录电话抽查结果",
        "decide_leave" => "审批请假",
        "withdraw_leave" => "撤回请假",
        _ => "其他",
    }
}

impl App {
    pub(crate) async fn audit(
        &self,
        actor: &Actor,
        entry: NewAudit,
    ) -> Result<AuditRecord, AppError> {
        Ok(self.accounts().append_audit(actor, &entry).await?)
    }

    /// Entries about the caller's area, newest first.
    pub async fn audit_log(
        &self,
        caller: &Caller,
        before: Option<i64>,
        limit: u32,
    ) -> Result<AuditPage, AppError> {
        caller.require(Permission::ReadAudit)?;
        let limit = limit.clamp(1, 500);
        let entries = self
            .accounts()
            .audit_entries(caller.scope(), before, limit)
            .await?;
        let next_before = (entries.len() == limit as usize)
            .then(|| entries.last().map(|e| e.seq))
            .flatten();
        Ok(AuditPage {
            entries,
            next_before,
        })
    }

    /// Recomputes every hash of the chain, in order.
    pub async fn verify_audit(&self) -> Result<ChainCheck, AppError> {
        let mut prev = GENESIS.to_string();
        let mut last_seq = 0;
        let mut entries = 0;
        loop {
            let page = self.accounts().audit_chain(last_seq, 1000).await?;
            if page.is_empty() {
                let (head_seq, head_hash) = self.accounts().audit_head().await?;
                let head_mismatch =
                    (head_seq != last_seq || head_hash != prev).then_some((head_seq, last_seq));
                return Ok(ChainCheck {
                    entries,
                    broken_at: None,
                    head_mismatch,
                });
            }
            for e in &page {
                let expected = entry_hash(&AuditFields {
                    seq: e.seq,
                    at: &e.at,
                    actor_id: e.actor_id,
                    actor: &e.actor,
                    action: &e.action,
                    area: e.area.map(|a| a.as_i64()),
                    subject: &e.subject,
                    before: &e.before,
                    after: &e.after,
                    prev_hash: &e.prev_hash,
                });
                if e.prev_hash != prev || e.hash != expected || e.seq != last_seq + 1 {
                    return Ok(ChainCheck {
                        entries,
                        broken_at: Some(e.seq),
                        head_mismatch: None,
                    });
                }
                prev = e.hash.clone();
                last_seq = e.seq;
                entries += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every action code the sources write (`action: "…"`, and the codes handed to the ledger
    /// imports' audit) has its Chinese name: the audit page never says 其他 for one of ours.
    #[test]
    fn every_audited_action_has_a_name() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut found = Vec::new();
        let mut stack = vec![crates];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (i, line) in text.lines().enumerate() {
                        let line = line.trim();
                        let code = line
                            .strip_prefix("action: \"")
                            .or_else(|| {
                                line.strip_prefix('"')
                                    .filter(|l| l.starts_with("import_") || l.starts_with("user_"))
                            })
                            .and_then(|rest| rest.split('"').next());
                        if let Some(code) = code.filter(|c| {
                            !c.is_empty()
                                && c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')
                        }) {
                            found.push((code.to_string(), format!("{}:{}", path.display(), i + 1)));
                        }
                    }
                }
            }
        }
        assert!(found.len() > 20, "the scan found the codes: {found:?}");
        for (code, at) in &found {
            assert_ne!(
                super::action_label(code),
                "其他",
                "{code} ({at}) has no name"
            );
        }
    }
}
