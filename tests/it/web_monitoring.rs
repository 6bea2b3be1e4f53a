//! The monitoring lifecycle's and the statistics' pages and API through the router: a case from
//! clue to approval taken by users of different roles, the public application form, the village
//! notice, plans and visits with photos, the policy editor, the dashboard's charts against its
//! tables, dispatch reports.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Datelike, Duration};
use zhenxing_app::auth::{Caller as UserCaller, Via};
use zhenxing_app::monitoring::cases::StepRequest;
use zhenxing_app::monitoring::clues::{ClueRequest, SubjectRef};
use zhenxing_app::monitoring::plans::PlanRequest;
use zhenxing_app::monitoring::visits::VisitRequest;
use zhenxing_app::store::screening::outcome_label;
use zhenxing_app::users::Manager;
use zhenxing_domain::monitoring::workflow::{Action, Decision, Remark};
use zhenxing_domain::monitoring::{Channel, CheckAnswer, Evidence, NewHousehold};
use zhenxing_domain::{AreaCode, HouseholdType, IdNumber, RiskTypes, today_in_china};

use crate::support::*;
use crate::web::{Response, Session, Site, TOWNSHIP_A, VILLAGE_B};

pub const CHECKS: [&str; 6] = [
    "income",
    "housing",
    "water",
    "schooling",
    "medical_insurance",
    "employment",
];

/// A JPEG as far as the photo check goes.
pub fn jpeg() -> Vec<u8> {
    [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 600][..]].concat()
}

pub async fn user_caller(site: &Site, name: &str) -> UserCaller {
    UserCaller {
        user: site
            .app()
            .user_by_name(Manager::CommandLine, name)
            .await
            .unwrap(),
        via: Via::Token,
    }
}

/// County B's monitoring data, which county A's users must never reach.
pub struct BData {
    pub case: i64,
    pub visit: i64,
    pub report: i64,
    /// A department screening batch of B's persons.
    pub screening: i64,
    /// The head of the household registered with B's clue.
    pub head_id: String,
}

pub async fn b_monitoring(site: &Site) -> BData {
    let app = site.app();
    let officer = user_caller(site, "b_officer").await.monitoring();
    let today = today_in_china();
    let head_id = id("620521", "19880808", 9);
    let r = app
        .record_clue(
            &officer,
            &ClueRequest {
                subject: SubjectRef::New(NewHousehold {
                    village: AreaCode::parse(VILLAGE_B).unwrap(),
                    head_name: "李明亮".into(),
                    head_id: IdNumber::parse(&head_id).unwrap(),
                    size: 2,
                    household_type: HouseholdType::Ordinary,
                    phone: Some("13911112222".into()),
                    address: None,
                }),
                risks: RiskTypes::parse("因病").unwrap(),
                disaster_kind: None,
                evidence: Evidence {
                    channel: Channel::Application,
                    source: "本人申请".into(),
                    rule: None,
                    figures: vec![],
                    members: vec![],
                    note: None,
                    found_on: today,
                },
                category: None,
                green_channel: false,
            },
        )
        .await
        .unwrap();
    let case = r.outcome.case().unwrap();
    let b001 = zhenxing_domain::HouseholdNo::parse("B001").unwrap();
    let visit = app
        .record_visit(
            &officer,
            VisitRequest {
                household: b001.clone(),
                visited_on: today,
                visitor: "b_officer".into(),
                answers: CHECKS
                    .iter()
                    .map(|c| CheckAnswer {
                        check: (*c).into(),
                        ok: true,
                        note: None,
                    })
                    .collect(),
                per_capita_income: None,
                finding: Some("北城走访".into()),
                photos: vec![jpeg()],
            },
        )
        .await
        .unwrap();
    app.save_plan(
        &officer,
        &PlanRequest {
            household: b001,
            cadre_name: Some("b_officer".into()),
            cadre_phone: None,
            measures: vec![],
            today,
        },
    )
    .await
    .unwrap();
    let admin = user_caller(site, "b_admin").await;
    let report = app
        .issue_report_as(&admin, AreaCode::parse("620521").unwrap(), None)
        .await
        .unwrap()
        .issued
        .unwrap()
        .id;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("残联.csv");
    std::fs::write(
        &file,
        format!("证件号码,残疾类别,残疾等级,发证日期\n{head_id},肢体,一级,{today}\n"),
    )
    .unwrap();
    let screening = app
        .screen(
            &admin.monitoring(),
            &zhenxing_app::monitoring::screening::ScreeningRequest {
                kind: "disability".into(),
                file,
                area: Some(AreaCode::parse("620521").unwrap()),
                found_on: today,
                source: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(screening.counts.hits, 1, "{:?}", screening.problems);
    BData {
        case,
        visit,
        report,
        screening: screening.screening.id,
        head_id,
    }
}

fn today() -> String {
    today_in_china().format("%Y-%m-%d").to_string()
}

/// The case id of the first link to a case in a page.
fn case_link(body: &str) -> i64 {
    let at = body.find("/monitoring/cases/").unwrap() + "/monitoring/cases/".len();
    body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// The `version` of a case page's step forms.
fn version_of(body: &str) -> String {
    let key = "name=\"version\" value=\"";
    let at = body.find(key).unwrap() + key.len();
    body[at..].split('"').next().unwrap().to_string()
}

async fn step(site: &Site, s: &Session, case: i64, fields: &[(&str, &str)]) -> Response {
    let page = site
        .get(&format!("/monitoring/cases/{case}"), Some(s))
        .await;
    let version = version_of(&page.body);
    let mut f = fields.to_vec();
    f.push(("version", &version));
    site.post_form(
        &format!("/monitoring/cases/{case}/steps"),
        Some(s),
        &f,
        true,
    )
    .await
}

/// A clue recorded on the page by the village cadre, taken through the village's steps by the
/// cadre, refused to the wrong roles, reviewed by the township and approved by the county: the
/// household becomes a monitoring object, and each step names its user and policy version.
#[tokio::test]
async fn a_case_goes_from_clue_to_approval_through_the_pages_by_role() {
    let site = Site::new().await;
    let cadre = site.login("a_cadre").await;
    let township = site.login("a_township").await;
    let county = site.login("a_officer").await;
    let auditor = site.login("a_auditor").await;
    let d = |days: i64| {
        (today_in_china() - Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    // Dates within this year, so this year's policy decides (its calendar has no holidays).
    let start = today_in_china().ordinal0().min(30) as i64;
    let head = id("620102", "19900909", 3);

    // The cadre's page offers the clue form; the auditor's does not.
    let page = site.get("/monitoring/clues", Some(&cadre)).await;
    assert!(page.body.contains("id=\"clue-form\""), "{}", page.body);
    let page = site.get("/monitoring/clues", Some(&auditor)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"clue-form\""));

    let found_on = d(start);
    let r = site
        .post_form(
            "/monitoring/clues",
            Some(&cadre),
            &[
                ("village", V1),
                ("head_name", "孙丽"),
                ("head_id", &head),
                ("size", "3"),
                ("risks", "1"),
                ("risks", "2"),
                ("channel", "1"),
                ("source", "本人申请"),
                ("found_on", &found_on),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("立案第"), "{}", r.body);
    let case = case_link(&r.body[r.body.find("clue-result").unwrap()..]);

    // The case page: the cadre may take the home visit and the comparison, not the reviews.
    let page = site
        .get(&format!("/monitoring/cases/{case}"), Some(&cadre))
        .await;
    assert!(page.body.contains("孙丽") && page.body.contains("入户核实"));
    assert!(page.body.contains("id=\"step-visit\"") && page.body.contains("id=\"step-compare\""));
    assert!(
        !page.body.contains("id=\"step-green_channel\""),
        "village cadres have no green channel"
    );
    let page = site
        .get(&format!("/monitoring/cases/{case}"), Some(&auditor))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"step-"), "an auditor only reads");

    // Without the signed promise the visit cannot pass; a stale version is refused.
    let visit_on = d(start - 1);
    let r = step(
        &site,
        &cadre,
        case,
        &[
            ("action", "visit"),
            ("decision", "approve"),
            ("opinion", "情况属实"),
            ("on", &visit_on),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("承诺授权书"), "{}", r.body);
    let r = site
        .post_form(
            &format!("/monitoring/cases/{case}/steps"),
            Some(&cadre),
            &[
                ("action", "visit"),
                ("opinion", "情况属实"),
                ("promise_signed", "1"),
                ("on", &visit_on),
                ("version", "999"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("刷新后重新办理"));
    let r = step(
        &site,
        &cadre,
        case,
        &[
            ("action", "visit"),
            ("opinion", "情况属实"),
            ("promise_signed", "1"),
            ("on", &visit_on),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("done=visit"));
    for (action, text) in [("compare", "比对无异常"), ("village_review", "评议通过")] {
        let r = step(
            &site,
            &cadre,
            case,
            &[("action", action), ("opinion", text), ("on", &visit_on)],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
    }
    // The notice lasts 5 days: too early, then on time.
    let r = step(
        &site,
        &cadre,
        case,
        &[
            ("action", "close_notice"),
            ("opinion", "无异议"),
            ("on", &visit_on),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("才能结束"), "{}", r.body);
    let close_on = d(start - 6);
    let r = step(
        &site,
        &cadre,
        case,
        &[
            ("action", "close_notice"),
            ("opinion", "无异议"),
            ("on", &close_on),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The township's review: not the cadre's, not the county's.
    let page = site
        .get(&format!("/monitoring/cases/{case}"), Some(&cadre))
        .await;
    assert!(
        page.body.contains("乡镇审核（由乡镇业务人员办理）"),
        "{}",
        page.body
    );
    let r = site
        .post_form(
            &format!("/monitoring/cases/{case}/steps"),
            Some(&cadre),
            &[
                ("action", "township_review"),
                ("opinion", "同意"),
                ("on", &close_on),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("无权乡镇审核"), "{}", r.body);
    // The township officer's queue shows it.
    let work = site.get("/monitoring", Some(&township)).await;
    assert!(
        work.body.contains(&format!("/monitoring/cases/{case}")),
        "{}",
        work.body
    );
    let r = step(
        &site,
        &township,
        case,
        &[
            ("action", "township_review"),
            ("opinion", "同意"),
            ("on", &close_on),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = step(
        &site,
        &county,
        case,
        &[
            ("action", "county_approval"),
            ("opinion", "同意纳入监测"),
            ("on", &close_on),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = site.get(r.location(), Some(&county)).await;
    assert!(page.body.contains("审批通过") && page.body.contains("已办理：县级审批"));
    for who in ["a_cadre", "a_township", "a_officer"] {
        assert!(
            page.body.contains(&format!("<td>{who}</td>")),
            "{who}: {}",
            page.body
        );
    }
    // The household is a monitoring object now.
    let no = format!("X{head}");
    let h = site.get(&format!("/households/{no}"), Some(&county)).await;
    assert!(h.body.contains("边缘易致贫户"), "{}", h.body);
    assert!(
        h.body.contains(&format!("/monitoring/cases/{case}")),
        "the household links its case"
    );

    // The API tells the same.
    let token = site.token("a_township").await;
    let r = site
        .api(
            Method::GET,
            &format!("/api/v1/monitoring/cases/{case}"),
            &token,
        )
        .await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["case"]["stage"], "审批通过");
    assert_eq!(j["steps"].as_array().unwrap().len(), 6);
    assert_eq!(j["steps"][4]["actor"], "a_township");
}

/// Steps, clues and eliminations through the API, with the role and conflict answers.
#[tokio::test]
async fn api_takes_clues_and_steps_with_roles_and_versions() {
    let site = Site::new().await;
    let cadre = site.token("a_cadre").await;
    let township = site.token("a_township").await;
    let send = |method: Method, uri: String, token: String, body: serde_json::Value| {
        let site = &site;
        async move {
            let req = Request::builder()
                .method(method)
                .uri(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            let r = site.send(req).await;
            let j: serde_json::Value =
                serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null);
            (r.status, j)
        }
    };
    let head = id("620102", "19660606", 5);
    let (status, j) = send(
        Method::POST,
        "/api/v1/monitoring/clues".into(),
        cadre.clone(),
        serde_json::json!({
            "new_household": {"village": V1, "head_name": "钱多", "head_id": head, "size": 2},
            "risks": ["因病"],
            "channel": "基层干部排查",
            "found_on": (today_in_china() - Duration::days(20)).format("%Y-%m-%d").to_string()
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{j}");
    assert_eq!(j["outcome"], "created");
    let case = j["case"].as_i64().unwrap();
    // Again: merged into the open clue.
    let (_, again) = send(
        Method::POST,
        "/api/v1/monitoring/clues".into(),
        cadre.clone(),
        serde_json::json!({"household": head, "risks": ["因学"]}),
    )
    .await;
    assert_eq!(again["outcome"], "merged");
    let (_, list) = send(
        Method::GET,
        "/api/v1/monitoring/clues".into(),
        cadre.clone(),
        serde_json::Value::Null,
    )
    .await;
    let clue = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case_id"] == case)
        .unwrap();
    assert_eq!(clue["risks"], serde_json::json!(["因病", "因学"]));
    assert_eq!(clue["evidence"].as_array().unwrap().len(), 2);

    let step = |token: String, body: serde_json::Value| {
        send(
            Method::POST,
            format!("/api/v1/monitoring/cases/{case}/steps"),
            token,
            body,
        )
    };
    let (status, j) = step(
        township.clone(),
        serde_json::json!({"action": "township_review", "opinion": "同意"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
    assert_eq!(j["code"], "wrong_stage");
    let (status, j) = step(
        cadre.clone(),
        serde_json::json!({"action": "visit", "opinion": "核实", "promise_signed": true, "version": 0}),
    )
    .await;
    assert_eq!(
        (status, j["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, j) = step(
        cadre.clone(),
        serde_json::json!({"action": "入户核实", "opinion": "核实", "promise_signed": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{j}");
    assert_eq!(j["case"]["stage"], "数据比对");
    let actions: Vec<(&str, bool)> = j["next_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["allowed"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("compare", true),
            ("green_channel", false),
            ("withdraw", true)
        ]
    );
    // The township officer may withdraw or take the green channel; a reject needs a reason.
    let (status, j) = step(
        township.clone(),
        serde_json::json!({"action": "compare", "decision": "reject", "opinion": " "}),
    )
    .await;
    assert_eq!(
        (status, j["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("empty_text"))
    );
    // The queue of the cadre holds it.
    let (_, mine) = send(
        Method::GET,
        "/api/v1/monitoring/cases/mine".into(),
        cadre.clone(),
        serde_json::Value::Null,
    )
    .await;
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == case)
    );
    let (_, mine) = send(
        Method::GET,
        "/api/v1/monitoring/cases/mine".into(),
        township.clone(),
        serde_json::Value::Null,
    )
    .await;
    assert!(mine["items"].as_array().unwrap().is_empty(), "{mine}");
    // Filters of the case list.
    let (_, list) = send(
        Method::GET,
        "/api/v1/monitoring/cases?stage=数据比对".into(),
        township.clone(),
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (_, list) = send(
        Method::GET,
        "/api/v1/monitoring/cases?kind=风险消除".into(),
        township.clone(),
        serde_json::Value::Null,
    )
    .await;
    assert!(list["items"].as_array().unwrap().is_empty());
    // An elimination proposal for A001 (monitored since 2024-04-01, income below the line):
    // the verdict lists every blocker with its data, and no case is opened.
    let (status, j) = send(
        Method::POST,
        "/api/v1/monitoring/eliminations".into(),
        cadre.clone(),
        serde_json::json!({"household": "A001", "mode": "帮扶消除", "income_stable_months": 8, "essential_spending_resolved": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{j}");
    assert_eq!(j["verdict"]["passed"], false);
    assert!(j["case"].is_null());
    let failed: Vec<&str> = j["verdict"]["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["passed"] == false)
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert!(failed.contains(&"income_below_line"), "{failed:?}");
    assert_eq!(j["verdict"]["blockers"].as_array().unwrap().len(), 7);
}

/// The public form: no login, the village from its QR code, a clue and a case for the cadres,
/// nothing about the registry in the answer, and a limit per address.
#[tokio::test]
async fn the_public_application_form_works_without_login_and_is_rate_limited() {
    let site = Site::new().await;
    let page = site.get(&format!("/apply?village={V1}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("红沟村民委员会"), "{}", page.body);
    let token = page.cookie("zx_apply").unwrap();
    let csrf = crate::web::csrf_of(&page.body);
    assert_eq!(csrf, token);
    let apply = |head: String, with_token: bool, client: &'static str| {
        let site = &site;
        let token = token.clone();
        async move {
            let mut fields = vec![
                ("village", V1.to_string()),
                ("head_name", "周强".to_string()),
                ("head_id", head),
                ("size", "4".to_string()),
                ("phone", "13700001234".to_string()),
                ("risks", "1".to_string()),
                ("note", "孩子住院，花费很大".to_string()),
            ];
            if with_token {
                fields.push(("csrf", token.clone()));
            }
            let mut req = Request::post("/apply")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("zx_apply={token}"))
                .body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
                .unwrap();
            let addr: std::net::SocketAddr = format!("{client}:50000").parse().unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(addr));
            site.send(req).await
        }
    };
    // Without the form's token: refused.
    let head = id("620102", "19800101", 11);
    let r = apply(head.clone(), false, "10.1.1.1").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = apply(head.clone(), true, "10.1.1.1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("申请已提交"), "{}", r.body);
    assert!(!r.body.contains(&head) && !r.body.contains("13700001234"));
    // The cadre sees the clue and its case, from the application channel.
    let cadre = site.login("a_cadre").await;
    let clues = site.get("/monitoring/clues", Some(&cadre)).await;
    assert!(
        clues.body.contains("农户自主申报：农户网上申请（周强）"),
        "{}",
        clues.body
    );
    let case = case_link(&clues.body[clues.body.find("clue-list").unwrap()..]);
    let page = site
        .get(&format!("/monitoring/cases/{case}"), Some(&cadre))
        .await;
    assert!(page.body.contains("农户自主申报") && page.body.contains("周强"));
    // A wrong ID number is the applicant's to fix; a registered person's application says
    // nothing of the registry.
    let r = apply(bad_check(&id("620102", "19800101", 12)), true, "10.1.1.2").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("户主身份证号") && r.body.contains("校验码"),
        "{}",
        r.body
    );
    let r = apply(site.li_id.clone(), true, "10.1.1.2").await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.body.contains("请到村委会当面申请"), "{}", r.body);
    for marker in ["李强", "B001", "清水县"] {
        assert!(!r.body.contains(marker), "{marker}");
    }
    // Five submissions per address an hour; another address may go on.
    for i in 0..4 {
        let r = apply(id("620102", "19800101", 20 + i), true, "10.1.1.1").await;
        assert_eq!(r.status, StatusCode::OK, "{i}: {}", r.body);
    }
    let r = apply(id("620102", "19800101", 30), true, "10.1.1.1").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("提交过于频繁"), "{}", r.body);
    let r = apply(id("620102", "19800101", 31), true, "10.1.1.3").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Without a village: the way to one.
    let r = site.get("/apply?area=620102010000", None).await;
    assert!(
        r.body
            .contains(&format!("/apply?area={V1}&amp;village={V1}")),
        "{}",
        r.body
    );
}

/// The village notice (page and xlsx) shows the households proposed, and no ID number, phone or
/// health data.
#[tokio::test]
async fn the_village_notice_shows_no_personal_data() {
    let site = Site::new().await;
    let app = site.app();
    let cadre = user_caller(&site, "a_cadre").await.monitoring();
    let head = id("620102", "19750505", 4);
    let today = today_in_china();
    let on = today - Duration::days(i64::from(today.ordinal0().min(10)));
    let r = app
        .record_clue(
            &cadre,
            &ClueRequest {
                subject: SubjectRef::New(NewHousehold {
                    village: AreaCode::parse(V1).unwrap(),
                    head_name: "吴刚".into(),
                    head_id: IdNumber::parse(&head).unwrap(),
                    size: 5,
                    household_type: HouseholdType::ExPoor,
                    phone: Some("13600006666".into()),
                    address: Some("红沟村三社".into()),
                }),
                risks: RiskTypes::parse("因病;因残").unwrap(),
                disaster_kind: None,
                evidence: Evidence {
                    channel: Channel::Application,
                    source: "本人申请".into(),
                    rule: None,
                    figures: vec![],
                    members: vec![],
                    note: Some("患尿毒症".into()),
                    found_on: on,
                },
                category: None,
                green_channel: false,
            },
        )
        .await
        .unwrap();
    let case = r.outcome.case().unwrap();
    let ok = |s: &str| Decision::Approve(Remark::parse("意见", s).unwrap());
    for action in [
        Action::Visit {
            decision: ok("属实"),
            promise_signed: true,
        },
        Action::Compare(ok("无异常")),
        Action::VillageReview(ok("通过")),
    ] {
        app.act(
            &cadre,
            &StepRequest {
                case_id: case,
                version: None,
                action,
                on,
            },
        )
        .await
        .unwrap();
    }
    let s = site.login("a_cadre").await;
    let r = site
        .get(&format!("/monitoring/notice/{V1}"), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("吴刚") && r.body.contains("拟纳入监测对象（脱贫不稳定户）"),
        "{}",
        r.body
    );
    let xlsx = site
        .get(&format!("/monitoring/notice/{V1}/xlsx"), Some(&s))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let path = site.env.write("公示.xlsx", xlsx_bytes(&site, &s).await);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("公示").unwrap();
    let text: String = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(text.contains("吴刚"), "{text}");
    let masked = IdNumber::parse(&head).unwrap().masked();
    for (what, body) in [("page", r.body.as_str()), ("xlsx", text.as_str())] {
        for secret in [
            head.as_str(),
            &masked,
            "13600006666",
            "因病",
            "因残",
            "患尿毒症",
            "红沟村三社",
        ] {
            assert!(!body.contains(secret), "the notice's {what} shows {secret}");
        }
    }
    // The API's notice too.
    let token = site.token("a_cadre").await;
    let r = site
        .api(
            Method::GET,
            &format!("/api/v1/monitoring/notice/{V1}"),
            &token,
        )
        .await;
    assert!(r.body.contains("吴刚") && !r.body.contains(&head) && !r.body.contains("136000"));
    // A township user picks the village.
    let t = site.login("a_township").await;
    let r = site
        .get(&format!("/monitoring/notice/{TOWNSHIP_A}"), Some(&t))
        .await;
    assert!(
        r.body.contains(&format!("/monitoring/notice/{V1}")),
        "{}",
        r.body
    );
}

async fn xlsx_bytes(site: &Site, s: &Session) -> Vec<u8> {
    bytes_of(site, s, &format!("/monitoring/notice/{V1}/xlsx")).await
}

async fn bytes_of(site: &Site, s: &Session, uri: &str) -> Vec<u8> {
    let req = Request::get(uri)
        .header(header::COOKIE, format!("zx_session={}", s.cookie))
        .body(Body::empty())
        .unwrap();
    let r = site.router.clone();
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let resp = r.oneshot(req).await.unwrap();
    resp.into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

/// A multipart body of text fields and files.
pub fn multipart_body(texts: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "zxVisitBoundary9QwE";
    let mut body = Vec::new();
    for (name, value) in texts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Plans from the catalogue, visits with photos (served to the county, not to another), the
/// due-for-visit list.
#[tokio::test]
async fn plans_visits_and_photos() {
    let site = Site::new().await;
    let cadre = site.login("a_cadre").await;
    // A001 is monitored for 因病: a measure not in the catalogue is refused, the form keeps it.
    let r = site
        .post_form(
            "/households/A001/plan",
            Some(&cadre),
            &[
                ("cadre_name", "王村干"),
                ("measure_1", "no_such_measure"),
                ("risk_1", "1"),
                ("starts_1", &today()),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不在本年度政策的措施目录中"), "{}", r.body);
    assert!(r.body.contains("value=\"王村干\""));
    let r = site
        .post_form(
            "/households/A001/plan",
            Some(&cadre),
            &[
                ("cadre_name", "王村干"),
                ("measure_1", "medical_assistance"),
                ("risk_1", "1"),
                ("starts_1", &today()),
                ("status_1", "2"),
                ("measure_2", ""),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = site.get(r.location(), Some(&cadre)).await;
    assert!(
        page.body.contains("帮扶计划已保存") && page.body.contains("落实中"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("开发式帮扶"),
        "the catalogue's kinds are offered"
    );

    // A visit with a photo, through the multipart form; answers for every 六必查 item.
    let mut texts: Vec<(String, String)> = CHECKS
        .iter()
        .map(|c| (format!("check_{c}"), "ok".to_string()))
        .collect();
    texts.push(("visited_on".into(), today()));
    texts.push(("finding".into(), "药费负担重".into()));
    texts.push(("per_capita_income".into(), "5600".into()));
    let texts_ref: Vec<(&str, &str)> = texts
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let photo = jpeg();
    let (ct, body) = multipart_body(&texts_ref, &[("photos", "a.jpg", &photo)]);
    let r = site
        .send(
            Request::post(format!("/households/A001/visits?csrf={}", cadre.csrf))
                .header(header::COOKIE, format!("zx_session={}", cadre.cookie))
                .header(header::CONTENT_TYPE, ct.clone())
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let log = site.get("/households/A001/visits", Some(&cadre)).await;
    assert!(
        log.body.contains("药费负担重") && log.body.contains("收入：无问题"),
        "{}",
        log.body
    );
    let at = log.body.find("/monitoring/visits/").unwrap();
    let src: String = log.body[at..].split('"').next().unwrap().to_string();
    let county = site.login("a_officer").await;
    let img = site.get(&src, Some(&county)).await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.headers[header::CONTENT_TYPE], "image/jpeg");
    let b = site.login("b_admin").await;
    assert_eq!(site.get(&src, Some(&b)).await.status, StatusCode::NOT_FOUND);
    // A missing answer is refused with the item's name.
    let (ct2, body2) = multipart_body(&[("check_income", "ok")], &[]);
    let r = site
        .send(
            Request::post(format!("/households/A001/visits?csrf={}", cadre.csrf))
                .header(header::COOKIE, format!("zx_session={}", cadre.cookie))
                .header(header::CONTENT_TYPE, ct2)
                .body(Body::from(body2))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("住房安全"), "{}", r.body);
    // The API's visit log names the photo.
    let token = site.token("a_officer").await;
    let r = site
        .api(
            Method::GET,
            "/api/v1/monitoring/households/A001/visits",
            &token,
        )
        .await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j[0]["photos"].as_array().unwrap().len(), 1);
    assert_eq!(j[0]["per_capita_income"], "5600.00");
    // Due for a visit: A001's head has a serious illness, just visited: not due; the list pages.
    let due = site.get("/monitoring/visits-due", Some(&county)).await;
    assert_eq!(due.status, StatusCode::OK);
    assert!(!due.body.contains(">A001<"), "{}", due.body);
    let r = site
        .api(Method::GET, "/api/v1/monitoring/visits-due", &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// The province administrator's editor: problems with key, line and reason before anything is
/// stored; a good file becomes the next version; others may only read.
#[tokio::test]
async fn the_policy_editor_shows_problems_before_storing() {
    let site = Site::new().await;
    let year = today_in_china().year();
    let province = site.login("province").await;
    let good = policy_for(year);
    let bad = good.replace(
        "per_capita_income_yuan = 6500",
        "per_capita_income_yuan = \"六千五\"",
    );
    let r = site
        .post_form(
            "/monitoring/policy/check",
            Some(&province),
            &[("content", &bad), ("year", &year.to_string())],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("threshold.per_capita_income_yuan") && r.body.contains("类型错误"),
        "{}",
        r.body
    );
    let r = site
        .post_form(
            "/monitoring/policy",
            Some(&province),
            &[("content", &bad), ("note", "改标准")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("未保存") && r.body.contains("<td class=\"n\">15</td>"),
        "{}",
        r.body
    );
    let versions = site
        .app()
        .policy_versions(
            AreaCode::parse("62").unwrap(),
            zhenxing_domain::PolicyYear::new(year as u16).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(versions.len(), 1, "nothing stored");
    let edited = good.replace(
        "per_capita_income_yuan = 6500",
        "per_capita_income_yuan = 6900",
    );
    let r = site
        .post_form(
            "/monitoring/policy",
            Some(&province),
            &[("content", &edited), ("note", "提高监测标准")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = site.get(r.location(), Some(&province)).await;
    assert!(
        page.body.contains("已存为第2版")
            && page.body.contains("6900.00元")
            && page.body.contains("提高监测标准"),
        "{}",
        page.body
    );
    // A county administrator reads it, has no editor, and may not store.
    let admin = site.login("a_admin").await;
    let page = site.get("/monitoring/policy", Some(&admin)).await;
    assert!(page.body.contains("6900.00元") && !page.body.contains("id=\"policy-form\""));
    let r = site
        .post_form(
            "/monitoring/policy",
            Some(&admin),
            &[("content", &edited)],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The API: check and versions.
    let token = site.token("province").await;
    let req = Request::post(format!("/api/v1/monitoring/policies/62/{year}/check"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::json!({"content": bad}).to_string()))
        .unwrap();
    let r = site.send(req).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["ok"], false);
    assert_eq!(j["problems"][0]["key"], "threshold.per_capita_income_yuan");
    assert_eq!(j["problems"][0]["line"], 15);
    let r = site
        .api(
            Method::GET,
            &format!("/api/v1/monitoring/policies/62/{year}/versions"),
            &token,
        )
        .await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j[0]["version"], 2);
}

/// The numbers of `<table id=...>`'s column `col` (a `td` index), in row order.
pub fn column(html: &str, table: &str, col: usize) -> Vec<String> {
    let start = html.find(&format!("id=\"{table}\"")).unwrap();
    let end = start + html[start..].find("</table>").unwrap();
    html[start..end]
        .split("<tr")
        .skip(1)
        .filter(|row| row.contains("<td"))
        .map(|row| {
            let cell = row.split("<td").nth(col + 1).unwrap();
            let text = &cell[cell.find('>').unwrap() + 1..];
            let text = text.split("</td>").next().unwrap();
            strip_tags(text)
        })
        .collect()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The chart data of `<div id=...>`.
pub fn chart(html: &str, id: &str) -> serde_json::Value {
    let key = format!("id=\"{id}\" data-chart=\"");
    let start = html.find(&key).unwrap() + key.len();
    let raw = html[start..].split('"').next().unwrap();
    let json = raw
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn percents(cells: &[String]) -> Vec<f64> {
    cells
        .iter()
        .map(|c| c.trim_end_matches('%').parse::<f64>().unwrap_or(0.0))
        .collect()
}

/// Households with monitoring history in two townships of county A, so the charts have
/// something to show: eliminated and not, categories, a village above the ratio.
pub async fn dashboard_data(site: &Site) {
    let rows = [
        "C001,620102010201,甲一,3,9000,是,脱贫不稳定户,因病,2023-02-01,是,2024-01-10",
        "C002,620102010201,甲二,2,5000,否,边缘易致贫户,因学,2024-05-01,否,",
        "C003,620102010202,甲三,4,7000,否,突发严重困难户,因灾,2025-03-01,否,",
        "C004,620102001001,乙一,5,9000,否,边缘易致贫户,因病,2022-06-01,是,2023-06-30",
        "C005,620102001001,乙二,1,6000,否,,,,否,",
    ];
    let members: Vec<String> = [
        ("C001", 1),
        ("C002", 2),
        ("C003", 3),
        ("C004", 4),
        ("C005", 5),
    ]
    .iter()
    .map(|(no, i)| {
        format!(
            "{i},{no},{},成员{i},男,1960-01-0{i},户主,健康",
            id("620102", &format!("1960010{i}"), 41 + 2 * i)
        )
    })
    .collect();
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    let h = site.env.write("dash.csv", csv(H_HEADER, &rows));
    let m = site.env.write("dash_m.csv", csv(M_HEADER, &members));
    let r = site.env.import(Some(&h), Some(&m)).await.unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

/// The dashboard's charts carry the numbers of the tables beside them; the as-of date replays
/// the past.
#[tokio::test]
async fn dashboard_charts_show_the_numbers_of_their_tables() {
    let site = Site::new().await;
    dashboard_data(&site).await;
    let admin = site.login("a_admin").await;
    let page = site.get("/dashboard", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = &page.body;
    // Elimination rate by township: chart series = table columns, in the same order.
    let rate = chart(html, "chart-rate");
    let names: Vec<String> = column(html, "children", 0);
    assert_eq!(rate["categories"], serde_json::json!(names));
    assert_eq!(
        numbers(&rate["series"][0]["data"]),
        percents(&column(html, "children", 8))
    );
    assert_eq!(
        numbers(&rate["series"][1]["data"]),
        percents(&column(html, "children", 9))
    );
    assert!(
        percents(&column(html, "children", 8))
            .iter()
            .any(|p| *p > 0.0),
        "something to show"
    );
    // The villages above the ratio.
    let villages = chart(html, "chart-villages");
    assert_eq!(
        villages["categories"].as_array().unwrap().len(),
        column(html, "villages", 0).len()
    );
    assert_eq!(
        numbers(&villages["series"][0]["data"]),
        percents(&column(html, "villages", 3))
    );
    assert_eq!(villages["mark"][0], 3.0);
    // The trend, loaded after the page: each category's series = its column.
    let trend = site.get("/dashboard/trend", Some(&admin)).await;
    let t = chart(&trend.body, "chart-trend");
    assert_eq!(
        t["categories"],
        serde_json::json!(column(&trend.body, "trend-table", 0))
    );
    for (i, col) in [1, 2, 3].iter().enumerate() {
        let cells: Vec<f64> = column(&trend.body, "trend-table", *col)
            .iter()
            .map(|c| c.parse().unwrap())
            .collect();
        assert_eq!(numbers(&t["series"][i]["data"]), cells, "series {i}");
    }
    // The last point is today's: the same as the indicators' cumulative count.
    let total: Vec<String> = column(&trend.body, "trend-table", 4);
    let indicators = column(html, "indicators", 0);
    assert_eq!(total.last().unwrap(), &indicators[0]);
    // As of an earlier date: C003 (identified 2025-03-01) is not counted yet; C001 not eliminated.
    let page = site.get("/dashboard?as_of=2024-12-31", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("截至2024年12月31日"));
    let now = column(html, "indicators", 0);
    let then = column(&page.body, "indicators", 0);
    assert_eq!(
        now[0].parse::<u64>().unwrap(),
        then[0].parse::<u64>().unwrap() + 1
    );
    // The API's figures match the table.
    let token = site.token("a_admin").await;
    let r = site
        .api(Method::GET, "/api/v1/stats?area=620102", &token)
        .await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        j[0]["figures"]["monitored_households"]
            .as_u64()
            .unwrap()
            .to_string(),
        now[0]
    );
    // The work figures: the townships' overdue cases add up to the county's (none here: no
    // case is open), and nothing approved has no median.
    let overdue: u64 = column(html, "children", 13)
        .iter()
        .map(|c| c.parse::<u64>().unwrap())
        .sum();
    assert_eq!(j[0]["figures"]["overdue_cases"].as_u64(), Some(overdue));
    assert!(j[0]["figures"]["median_days_to_approval"].is_null());
    assert_eq!(column(html, "children", 12)[0], "—");
    let r = site
        .api(
            Method::GET,
            "/api/v1/stats/verification?area=620102",
            &token,
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        v["villages"].as_array().unwrap().len(),
        column(html, "villages", 0).len()
    );
    // A future date is refused.
    let r = site.get("/dashboard?as_of=2999-01-01", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// Reports: built, issued and frozen, compared with the previous one, downloaded; issuing is
/// for the roles that may.
#[tokio::test]
async fn dispatch_reports_are_issued_frozen_and_compared() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let r = site
        .post_form(
            "/reports",
            Some(&admin),
            &[("area", "620102"), ("as_of", "2024-12-31")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first = r.location().to_string();
    dashboard_data(&site).await;
    let r = site
        .post_form("/reports", Some(&admin), &[("area", "620102")], true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let second = r.location().to_string();
    let page = site.get(&second, Some(&admin)).await;
    assert!(
        page.body.contains("已冻结") && page.body.contains("上期：第"),
        "{}",
        page.body
    );
    let summary_now = column(&page.body, "report-summary", 0);
    let summary_before = column(&page.body, "report-summary", 1);
    let change = column(&page.body, "report-summary", 2);
    assert_eq!(
        summary_before[0], "1",
        "A001 was monitored at the end of 2024"
    );
    assert_eq!(summary_now[0], "5", "A001 and C001-C004");
    assert_eq!(change[0], "+4");
    // Today's report has the employment section (the county, then its townships with labour
    // or a target); the first, of a past day, has none.
    assert_eq!(
        column(&page.body, "report-employment", 0)[0],
        "620102000000"
    );
    let employment = column(&page.body, "report-employment", 2);
    assert!(page.body.contains("务工就业（截至报告日）"));
    let first_page = site.get(&first, Some(&admin)).await;
    assert!(!first_page.body.contains("id=\"report-employment\""));
    // Frozen: more data does not change the issued report.
    let h = site.env.write(
        "more.csv",
        csv(
            H_HEADER,
            &["C009,620102010201,丙,1,5000,否,边缘易致贫户,因病,2025-01-01,否,"],
        ),
    );
    site.env.import(Some(&h), None).await.unwrap();
    let again = site.get(&second, Some(&admin)).await;
    assert_eq!(column(&again.body, "report-summary", 0)[0], "5");
    let list = site.get("/reports", Some(&admin)).await;
    assert!(
        list.body.contains(&format!("href=\"{first}\""))
            && list.body.contains(&format!("href=\"{second}\""))
    );
    let xlsx = site.get(&format!("{second}/xlsx"), Some(&admin)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(
        xlsx.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    // The preview is not issued; a township officer may read but not issue.
    let t = site.login("a_township").await;
    let p = site.get("/reports/preview", Some(&t)).await;
    assert!(
        p.body.contains("未发布") && !p.body.contains("id=\"issue-report\""),
        "{}",
        p.body
    );
    let r = site.post_form("/reports", Some(&t), &[], true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The API's report.
    let token = site.token("a_admin").await;
    let id = second.trim_start_matches("/reports/");
    let r = site
        .api(Method::GET, &format!("/api/v1/reports/{id}"), &token)
        .await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["summary"][0]["change"], 4.0);
    assert_eq!(j["previous"]["as_of"], "2024-12-31");
    assert_eq!(j["employment"]["rows"][0]["code"], "620102000000");
    assert_eq!(
        j["employment"]["rows"][0]["ex_poor_labour"].as_u64(),
        employment[0].parse::<u64>().ok()
    );
    let r = site
        .api(
            Method::GET,
            "/api/v1/reports/preview?as_of=2024-12-31",
            &token,
        )
        .await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(j["employment"].is_null(), "{}", r.body);
}

/// Department screening in the browser and over the API: a county officer uploads a disability
/// file; the page reports each row that was not taken (masked), the results page lists the
/// household the rule flagged with its case, the xlsx has the same rows, and the same file sent
/// again over the API records nothing new.
#[tokio::test]
async fn department_files_are_screened_from_the_page_and_the_api() {
    let site = Site::new().await;
    let officer = site.login("a_officer").await;
    let today = today();
    let stranger = id("620102", "19900909", 41);
    let csv = format!(
        "残疾人证办理情况\r\n证件号码,姓名,残疾类别,残疾等级,发证日期\r\n{},王伟,视力,一级,{today}\r\n{},张 红,肢体,三级,{today}\r\n{stranger},某人,肢体,一级,{today}\r\n123,,肢体,一级,{today}\r\n{},李鬼,肢体,一级,{today}\r\n",
        site.wang_id, site.zhang_id, site.wang_id
    );
    // GBK, as Chinese Excel saves it.
    let gbk = encoding_rs::GBK.encode(&csv).0.to_vec();
    let (ct, body) = multipart_body(&[("kind", "disability")], &[("file", "残联.csv", &gbk)]);
    // The form names the screening for its progress line (`/progress/{token}`).
    let form = site.get("/monitoring/screening", Some(&officer)).await;
    // The kinds' columns as a clerk reads them: where a list of certificate numbers alone holds
    // the ID number and the grade.
    assert!(
        form.body.contains(
            "列 证件号码（或残疾人证号）、残疾等级（无此列时由残疾人证号第20位读出）、发证日期、残疾类别（无此列时由残疾人证号第19位读出，可选）"
        ),
        "{}",
        form.body
    );
    let key = "data-progress=\"";
    let at = form.body.find(key).map(|i| i + key.len()).unwrap();
    let progress = form.body[at..].split('"').next().unwrap().to_string();
    assert!(
        form.body.contains(&format!(
            "action=\"/monitoring/screening?csrf={}&amp;progress={progress}\"",
            officer.csrf
        )),
        "{}",
        form.body
    );
    let r = site
        .send(
            Request::post(format!(
                "/monitoring/screening?csrf={}&progress={progress}",
                officer.csrf
            ))
            .header(header::COOKIE, format!("zx_session={}", officer.cookie))
            .header(header::CONTENT_TYPE, ct.clone())
            .body(Body::from(body.clone()))
            .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains(
            "读取5行，比对上2行，未比对上2行<span id=\"screening-names-differ\">（其中1行姓名与户籍登记不一致，证件号码或姓名可能填错）</span>，无法读取1行；触发规则1户，新登记线索0户，证据并入1户"
        ),
        "{}",
        r.body
    );
    let p = site
        .get(&format!("/progress/{progress}"), Some(&officer))
        .await;
    let p: serde_json::Value = serde_json::from_str(&p.body).unwrap();
    assert_eq!(
        (&p["finished"], &p["phase"]),
        (&true.into(), &"写入筛查结果、线索和核实期限".into()),
        "{p}"
    );
    assert!(r.body.contains("户籍信息中没有此人"), "{}", r.body);
    assert!(!r.body.contains(&stranger), "a whole ID number on the page");
    assert!(
        r.body
            .contains(&IdNumber::parse(&stranger).unwrap().masked()),
        "{}",
        r.body
    );
    let at = r.body.find("/monitoring/screening/").unwrap() + "/monitoring/screening/".len();
    let batch: i64 = r.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    // The results: A001, monitored already, keeps the clue for its plan; the members masked.
    let page = site
        .get(&format!("/monitoring/screening/{batch}"), Some(&officer))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("A001") && page.body.contains(outcome_label(3)),
        "{}",
        page.body
    );
    assert!(!page.body.contains(&site.wang_id));
    // What became of the area's households, counted for the area shown.
    let line = format!("触发规则1户：{}1户。", outcome_label(3));
    assert!(page.body.contains(&line), "{}", page.body);
    let next_village = site
        .get(
            &format!("/monitoring/screening/{batch}?area=620102010202"),
            Some(&officer),
        )
        .await;
    assert_eq!(next_village.status, StatusCode::OK, "{}", next_village.body);
    assert!(
        next_village.body.contains("触发规则0户。") && !next_village.body.contains(&line),
        "{}",
        next_village.body
    );
    // The batch says what could not be read, as the upload's answer did.
    assert!(
        page.body
            .contains("未比对上2行，无法读取<span id=\"batch-rejected\">1</span>行"),
        "{}",
        page.body
    );
    // The rows left out are kept with the batch: counted by reason, and downloadable whole.
    assert!(
        page.body
            .contains("未纳入的行共3条：户籍信息中没有此人1条；姓名与登记不一致1条；无法读取1条。")
            && page.body.contains(&format!(
                "href=\"/monitoring/screening/{batch}/problems/xlsx\""
            )),
        "{}",
        page.body
    );
    let bytes = bytes_of(
        &site,
        &officer,
        &format!("/monitoring/screening/{batch}/problems/xlsx"),
    )
    .await;
    let left_out = {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        use calamine::Reader;
        let sheet = book.worksheet_range("未纳入的行").unwrap();
        sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        left_out[0],
        ["文件", "工作表", "行号", "列", "内容", "原因", "错误代码"],
        "{left_out:?}"
    );
    let lines: Vec<(&str, &str, &str)> = left_out[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[4].as_str(), r[6].as_str()))
        .collect();
    let stranger_masked = IdNumber::parse(&stranger).unwrap().masked();
    assert_eq!(lines.len(), 3, "{left_out:?}");
    assert_eq!(
        lines[0],
        ("5", stranger_masked.as_str(), "not_registered"),
        "{left_out:?}"
    );
    assert_eq!(lines[1].0, "6", "{left_out:?}");
    assert_ne!(lines[1].2, "not_registered");
    // 王伟's ID number under another name: left out, masked.
    let wang_masked = IdNumber::parse(&site.wang_id).unwrap().masked();
    assert_eq!(
        lines[2],
        ("7", wang_masked.as_str(), "name_differs"),
        "{left_out:?}"
    );
    assert!(left_out.iter().flatten().all(|c| !c.contains(&stranger)));
    let clues = site.get("/monitoring/clues", Some(&officer)).await;
    assert!(clues.body.contains("县残疾人联合会"), "{}", clues.body);
    // The xlsx.
    let bytes = bytes_of(
        &site,
        &officer,
        &format!("/monitoring/screening/{batch}/xlsx"),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("筛查结果").unwrap();
    let text: Vec<String> = sheet
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(text.iter().any(|c| c == "A001"), "{text:?}");
    assert!(!text.iter().any(|c| c.contains(&site.wang_id)), "{text:?}");
    assert!(
        text.iter()
            .any(|c| c.contains(&IdNumber::parse(&site.wang_id).unwrap().masked())),
        "{text:?}"
    );
    // The same file again over the API: nothing new.
    let token = site.token("a_officer").await;
    let v = site
        .api_upload("/api/v1/monitoring/screenings", &token, (ct, body))
        .await;
    assert_eq!(v["batch"]["counts"]["hits"], 1, "{v}");
    assert_eq!(v["batch"]["counts"]["created"], 0, "{v}");
    assert_eq!(v["batch"]["counts"]["repeated"], 1, "{v}");
    assert_eq!(v["problems"].as_array().unwrap().len(), 3, "{v}");
    assert_eq!(v["problems"][2]["code"], "name_differs", "{v}");
    let second = v["batch"]["id"].as_i64().unwrap();
    let r = site
        .api(
            Method::GET,
            &format!("/api/v1/monitoring/screenings/{batch}/results"),
            &token,
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["items"][0]["household_no"], "A001", "{v}");
    assert!(v["items"][0]["clue"].is_i64(), "{v}");
    assert_eq!(v["items"][0]["outcome"], outcome_label(3), "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    let r = site
        .api(Method::GET, "/api/v1/monitoring/screenings", &token)
        .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let ids: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [second, batch]);
    let r = site
        .api(
            Method::GET,
            &format!("/api/v1/monitoring/screenings/{batch}/problems"),
            &token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"], 3, "{v}");
    assert_eq!(v["items"][0]["file"], "残联.csv", "{v}");
    assert_eq!(v["items"][0]["row"], 5, "{v}");
    assert_eq!(v["items"][0]["code"], "not_registered", "{v}");
    assert_eq!(v["items"][0]["value"], stranger_masked, "{v}");
    assert!(v["next"].is_null(), "{v}");
    // A batch screened before its rows left out were kept says so, and offers no download.
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", site.env.path("test.db").display()))
            .await
            .unwrap();
    sqlx::query("UPDATE screenings SET problems = NULL WHERE id = ?")
        .bind(second)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM screening_problem_pages WHERE screening_id = ?")
        .bind(second)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let older = site
        .get(&format!("/monitoring/screening/{second}"), Some(&officer))
        .await;
    assert!(
        older.body.contains("本批次筛查时尚未保存未纳入的行")
            && !older.body.contains("problems-xlsx"),
        "{}",
        older.body
    );
    // A township officer sees the batches, but may not screen; nor has the whole file's rows
    // left out: they are the county's.
    let township = site.login("a_township").await;
    let p = site.get("/monitoring/screening", Some(&township)).await;
    assert!(!p.body.contains("screening-form"), "{}", p.body);
    let p = site
        .get(&format!("/monitoring/screening/{batch}"), Some(&township))
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(!p.body.contains("未纳入的行"), "{}", p.body);
    let p = site
        .get(
            &format!("/monitoring/screening/{batch}/problems/xlsx"),
            Some(&township),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
}

/// The API's answer to a screening lists the first 500 rows it left out, how many in all, and
/// where the rest begin in the rows kept with the batch: a province's file that leaves millions
/// of persons out is not answered with every one of them.
#[tokio::test]
async fn an_api_screenings_answer_lists_the_first_rows_left_out_and_where_the_rest_begin() {
    let site = Site::new().await;
    let today = today();
    let mut csv = String::from("证件号码,残疾类别,残疾等级,发证日期\r\n");
    for n in 0..520u32 {
        let born = format!("19{:02}0101", 50 + n / 100);
        csv.push_str(&format!(
            "{},肢体,一级,{today}\r\n",
            id("620102", &born, n % 100 + 100)
        ));
    }
    let token = site.token("a_officer").await;
    let upload = multipart_body(
        &[("kind", "disability")],
        &[("file", "残联.csv", csv.as_bytes())],
    );
    // Named with a progress token: its caller reads how far it went.
    const WORK: &str = "5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c";
    let v = site
        .api_upload(
            &format!("/api/v1/monitoring/screenings?progress={WORK}"),
            &token,
            upload,
        )
        .await;
    assert_eq!(v["batch"]["counts"]["unmatched"], 520, "{}", v["batch"]);
    let r = site
        .api(Method::GET, &format!("/api/v1/progress/{WORK}"), &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        (&p["phase"], &p["finished"]),
        (&"写入筛查结果、线索和核实期限".into(), &true.into()),
        "{p}"
    );
    assert_eq!(v["problems_total"], 520);
    let listed = v["problems"].as_array().unwrap();
    assert_eq!(listed.len(), 500);
    assert_eq!(
        (&listed[0]["row"], &listed[499]["row"]),
        (&2.into(), &501.into())
    );
    assert_eq!(listed[0]["code"], "not_registered");
    let (batch, next) = (&v["batch"]["id"], &v["problems_next"]);
    let rest = site
        .kept_rows(
            &format!("/api/v1/monitoring/screenings/{batch}/problems?after={next}"),
            &token,
        )
        .await;
    assert_eq!(rest, (502..=521).collect::<Vec<u64>>());
    // The file goes to disk as it arrives; a text field is short, or refused.
    let long = "医".repeat(30_000);
    let upload = multipart_body(
        &[("kind", "disability"), ("source", &long)],
        &[("file", "残联.csv", csv.as_bytes())],
    );
    let r = site
        .api_post_multipart("/api/v1/monitoring/screenings", &token, upload)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("表单字段“source”过长"), "{}", r.body);
}
