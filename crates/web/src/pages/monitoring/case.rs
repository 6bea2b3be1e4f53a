//! A case: where it stands, its due days, every step taken (who, when, the opinion, the policy
//! version), the elimination verdict; and the forms of the steps the user's role may take now,
//! each carrying the case version the user decided on.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhenxing_app::monitoring::Caller;
use zhenxing_app::monitoring::access::{Act, may};
use zhenxing_app::monitoring::cases::{CaseDetail, StepRequest, next_actions};
use zhenxing_domain::monitoring::{ActionKind, CaseKind, Verdict};
use zhenxing_domain::today_in_china;

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::forms::{Fields, action_kind, action_name, build_action, decides, past_day};
use crate::state::AppState;
use crate::views::{UserCtx, day, place, render_with};

/// The blockers of an elimination verdict, each with pass or fail and the data behind it.
#[derive(Template)]
#[template(path = "monitoring/verdict.html")]
pub struct VerdictView<'a> {
    pub v: &'a Verdict,
}

impl VerdictView<'_> {
    pub fn html(v: &Verdict) -> String {
        VerdictView { v }.render().unwrap_or_default()
    }
}

pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

pub struct StepView {
    pub action: &'static str,
    pub outcome: &'static str,
    pub remark: String,
    pub promise: &'static str,
    pub acted_on: String,
    pub due_on: String,
    pub late: bool,
    pub actor: String,
    pub recorded_at: String,
    pub stages: String,
    pub policy: String,
}

/// A step the user may take now: the form's fields.
pub struct StepForm {
    pub name: &'static str,
    pub label: &'static str,
    pub decides: bool,
    /// The home visit of an identification: the signed promise is asked for.
    pub asks_promise: bool,
    pub hint: &'static str,
}

pub struct CaseView {
    pub id: i64,
    pub version: i64,
    pub title: String,
    pub no: String,
    pub head: String,
    pub facts: Vec<Fact>,
    pub overdue: bool,
    pub steps: Vec<StepView>,
    pub forms: Vec<StepForm>,
    /// Steps due now that someone else's role takes.
    pub waiting: Vec<String>,
    pub verdict: Option<String>,
    pub today: String,
}

#[derive(Template)]
#[template(path = "monitoring/case.html")]
struct CasePage {
    title: String,
    user: Option<UserCtx>,
    csrf: String,
    v: CaseView,
    error: Option<String>,
    done: Option<String>,
}

fn hint(k: ActionKind) -> &'static str {
    match k {
        ActionKind::Visit => "入户核实情况，核实通过须农户签署承诺授权书",
        ActionKind::Compare => "与医保、民政、残联等部门数据比对的结果",
        ActionKind::VillageReview => "民主评议通过后当天开始村内公示",
        ActionKind::CloseNotice => "公示期满、无异议后结束公示，报乡镇审核",
        ActionKind::TownshipReview => "乡镇审核意见",
        ActionKind::CountyApproval => "县级审批意见（风险消除按审批当日数据重新研判七不消）",
        ActionKind::GreenChannel => "因灾因意外先行帮扶、后补程序",
        ActionKind::Withdraw => "撤回案件的理由",
        ActionKind::RollBack => "消除不稳定、需回退的理由",
    }
}

fn view(d: &CaseDetail, caller: &Caller, tree: &zhenxing_domain::DivisionTree) -> CaseView {
    let c = &d.case;
    let s = &c.state;
    let mut facts = vec![
        Fact {
            label: "户",
            value: format!("{} {}", c.head_name, c.household_no),
        },
        Fact {
            label: "所在村",
            value: place(tree, c.village),
        },
        Fact {
            label: "案件类型",
            value: c.kind().label().into(),
        },
        Fact {
            label: "当前环节",
            value: s.stage.label().into(),
        },
    ];
    if c.kind() == CaseKind::Identification {
        facts.push(Fact {
            label: "发现渠道",
            value: c.channel.label().into(),
        });
        facts.push(Fact {
            label: "拟纳入类别",
            value: c.category.map(|x| x.label()).unwrap_or("").into(),
        });
    }
    facts.push(Fact {
        label: "风险类型",
        value: c.risks.to_string(),
    });
    if let Some(k) = &c.disaster_kind {
        facts.push(Fact {
            label: "灾害种类",
            value: k.clone(),
        });
    }
    if let Some(e) = &c.elimination {
        facts.push(Fact {
            label: "消除方式",
            value: e.mode.label().into(),
        });
    }
    facts.extend([
        Fact {
            label: "发现（申请）日期",
            value: day(Some(s.opened_on)),
        },
        Fact {
            label: "本环节到期日",
            value: day(c.due.step),
        },
        Fact {
            label: "全程到期日",
            value: day(c.due.whole),
        },
        Fact {
            label: "公示开始",
            value: day(s.notice_from),
        },
        Fact {
            label: "绿色通道",
            value: s
                .green_channel_on
                .map(|d| format!("{}启用，先行帮扶", day(Some(d))))
                .unwrap_or_else(|| "未启用".into()),
        },
        Fact {
            label: "立案政策版本",
            value: c.policy.to_string(),
        },
    ]);
    let steps = d
        .steps
        .iter()
        .map(|st| StepView {
            action: st.action.label(),
            outcome: match st.approved {
                Some(true) => "通过",
                Some(false) => "驳回",
                None => "",
            },
            remark: st.remark.clone(),
            promise: match st.promise_signed {
                Some(true) => "已签署",
                Some(false) => "未签署",
                None => "",
            },
            acted_on: day(Some(st.acted_on)),
            due_on: day(st.due_on),
            late: st.late,
            actor: st.actor.clone(),
            recorded_at: zhenxing_app::browse::china_time(&st.recorded_at),
            stages: format!("{} → {}", st.stage_before.label(), st.stage_after.label()),
            policy: st.policy.to_string(),
        })
        .collect();
    let mut forms = Vec::new();
    let mut waiting = Vec::new();
    for k in next_actions(s) {
        if may(caller, Act::Step(k)) {
            forms.push(StepForm {
                name: action_name(k),
                label: k.label(),
                decides: decides(k),
                asks_promise: k == ActionKind::Visit && c.kind() == CaseKind::Identification,
                hint: hint(k),
            });
        } else if decides(k) {
            let roles: Vec<&str> = Act::Step(k).roles().iter().map(|r| r.label()).collect();
            waiting.push(format!("{}（由{}办理）", k.label(), roles.join("、")));
        }
    }
    // The verdict of the county's approval when there is one, else the proposal's.
    let verdict = d
        .steps
        .iter()
        .rev()
        .find_map(|st| st.verdict.as_ref())
        .or(c.elimination.as_ref().map(|e| &e.verdict))
        .map(VerdictView::html);
    CaseView {
        id: c.id,
        version: c.version,
        title: format!("第{}号{}案件", c.id, c.kind().label()),
        no: c.household_no.to_string(),
        head: c.head_name.clone(),
        facts,
        overdue: d.overdue,
        steps,
        forms,
        waiting,
        verdict,
        today: day(Some(today_in_china())),
    }
}

fn parse_id(s: &str) -> Result<i64, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

async fn page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let caller = user.caller.monitoring();
    let d = state.app.case_detail(&caller, id, today_in_china()).await?;
    let tree = state.app.tree().await;
    let v = view(&d, &caller, &tree);
    Ok(render_with(
        status,
        &CasePage {
            title: format!("{} · {}", v.title, v.head),
            user: Some(UserCtx::of(state, user).await),
            csrf: user.csrf.clone(),
            v,
            error,
            done,
        },
    ))
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `/monitoring/cases/{id}`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let done = q
        .done
        .as_deref()
        .and_then(|d| action_kind(d).ok())
        .map(|k| format!("已办理：{}", k.label()));
    page(&state, &user, id, StatusCode::OK, None, done).await
}

/// The step a form asks for.
pub fn step_request(id: i64, f: &Fields) -> Result<StepRequest, WebError> {
    let kind = action_kind(f.get("action").unwrap_or(""))?;
    let approve = match f.get("decision") {
        Some("reject") => false,
        Some("approve") | None => true,
        Some(other) => return Err(WebError::BadRequest(format!("结论无效：{other}"))),
    };
    let action = build_action(
        kind,
        approve,
        f.get("opinion").unwrap_or(""),
        f.checked("promise_signed"),
    )?;
    let version = f
        .get("version")
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| WebError::BadRequest("案件版本无效".into()))
        })
        .transpose()?;
    Ok(StepRequest {
        case_id: id,
        version,
        action,
        on: past_day("办理日期", f.get("on"))?,
    })
}

/// POST `/monitoring/cases/{id}/steps`: takes the step; on success back to the case, on a
/// refusal the case again with the reason.
pub async fn step(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let f = Fields::parse(&body)?;
    let caller = user.caller.monitoring();
    let result = match step_request(id, &f) {
        Ok(req) => state
            .app
            .act(&caller, &req)
            .await
            .map(|_| req.action.kind())
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(kind) => Ok(Redirect::to(&format!(
            "/monitoring/cases/{id}?done={}",
            action_name(kind)
        ))
        .into_response()),
        // Not found stays not found; anything else is shown on the case.
        Err(e) if e.status() == StatusCode::NOT_FOUND => Err(PageError(e)),
        Err(e) => page(&state, &user, id, e.status(), Some(e.message()), None).await,
    }
}
