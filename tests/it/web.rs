//! The web app and API through the router (no sockets): access by area, CSRF, sessions, login
//! limits, masking and the audit log. `Site` is the fixture the browser tests share.

use std::collections::BTreeSet;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use zhenxing_app::users::{AddUser, Manager};
use zhenxing_app::{App, AppError};
use zhenxing_domain::{AreaCode, HouseholdNo, Role, Scope};
use zhenxing_web::{Access, AppState};

use crate::support::*;

pub const PASSWORD: &str = "correct-horse-9";
/// County A: 城关区; its village 红沟村 under 伏龙坪街道.
pub const COUNTY_A: &str = "620102000000";
/// County B: 清水县; its village 北城居民委员会.
pub const COUNTY_B: &str = "620521000000";
pub const VILLAGE_B: &str = "620521100001";
/// The township of county A's villages V1 and V2 (伏龙坪街道).
pub const TOWNSHIP_A: &str = "620102010000";

/// Two counties' households and users of several roles in each.
pub struct Site {
    pub env: Env,
    pub router: Router,
    /// Whole ID numbers of A's members.
    pub wang_id: String,
    pub zhang_id: String,
    /// The whole ID number of B's member.
    pub li_id: String,
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value the answer sets for cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

/// A signed-in browser.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// `value="..."` of the first hidden `csrf` input of a page.
pub fn csrf_of(html: &str) -> String {
    let key = "name=\"csrf\" value=\"";
    let start = html.find(key).map(|i| i + key.len()).unwrap_or(0);
    html[start..].split('"').next().unwrap_or("").to_string()
}

pub fn multipart(parts: &[(&str, &str, &str)]) -> (String, Vec<u8>) {
    let boundary = "zxBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (field, file, content) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A households ledger with one row in county B's village: refused when A imports it.
pub fn foreign_ledger() -> String {
    csv(H_HEADER, &["X900,620521100001,外县户,1,9000,否,,,,否,"])
}

impl Site {
    pub async fn new() -> Site {
        let env = Env::new().await;
        let wang_id = id("620102", "19700101", 1);
        let zhang_id = id("620102", "19720202", 2);
        let li_id = id("620521", "19800303", 5);
        let h = env.write(
            "h.csv",
            csv(
                H_HEADER,
                &[
                    "A001,620102010201,王伟,2,5800,是,脱贫不稳定户,因病,2024-04-01,否,",
                    "A002,620102010202,赵刚,1,9000,否,,,,否,",
                    "B001,620521100001,李强,1,9000,否,边缘易致贫户,因灾,2023-07-15,否,",
                ],
            ),
        );
        let m = env.write(
            "m.csv",
            csv(
                M_HEADER,
                &[
                    &format!("1,A001,{wang_id},王伟,男,1970-01-01,户主,患有大病"),
                    &format!("2,A001,{zhang_id},张红,女,1972-02-02,配偶,健康"),
                    &format!("3,B001,{li_id},李强,男,1980-03-03,户主,健康"),
                ],
            ),
        );
        let report = env.import(Some(&h), Some(&m)).await.unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let users = [
            ("a_admin", Role::CountyAdmin, COUNTY_A),
            ("a_officer", Role::CountyOfficer, COUNTY_A),
            ("a_cadre", Role::VillageCadre, V1),
            ("a_township", Role::TownshipOfficer, TOWNSHIP_A),
            ("a_auditor", Role::Auditor, COUNTY_A),
            ("b_admin", Role::CountyAdmin, COUNTY_B),
            ("b_officer", Role::CountyOfficer, COUNTY_B),
            ("province", Role::ProvinceAdmin, "620000000000"),
        ];
        for (name, role, area) in users {
            env.app
                .add_user(
                    Manager::CommandLine,
                    AddUser {
                        name: name.into(),
                        role,
                        area: AreaCode::parse(area).unwrap(),
                        password: Some(PASSWORD.into()),
                    },
                )
                .await
                .unwrap();
        }
        store_policy_for_this_year(&env.app).await;
        let router = zhenxing_web::router(AppState::new(env.app.clone(), false));
        Site {
            env,
            router,
            wang_id,
            zhang_id,
            li_id,
        }
    }

    pub fn app(&self) -> &App {
        &self.env.app
    }

    pub async fn send(&self, req: Request<Body>) -> Response {
        let (status, headers, bytes) = self.send_raw(req).await;
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
        }
    }

    /// The answer's status, headers and bytes as sent.
    async fn send_raw(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let r = self.router.clone().oneshot(req).await.unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        let bytes = r.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, bytes)
    }

    pub async fn get(&self, uri: &str, session: Option<&Session>) -> Response {
        let mut b = Request::get(uri);
        if let Some(s) = session {
            b = b.header(header::COOKIE, format!("zx_session={}", s.cookie));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// A GET whose answer is a file: its bytes as sent.
    pub async fn get_bytes(
        &self,
        uri: &str,
        session: &Session,
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let req = Request::get(uri)
            .header(header::COOKIE, format!("zx_session={}", session.cookie))
            .body(Body::empty())
            .unwrap();
        self.send_raw(req).await
    }

    /// A urlencoded form POST; the session's CSRF token is added when `csrf`.
    pub async fn post_form(
        &self,
        uri: &str,
        session: Option<&Session>,
        fields: &[(&str, &str)],
        csrf: bool,
    ) -> Response {
        let mut fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut b =
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = session {
            b = b.header(header::COOKIE, format!("zx_session={}", s.cookie));
            if csrf {
                fields.push(("csrf".into(), s.csrf.clone()));
            }
        }
        let body = serde_urlencoded::to_string(&fields).unwrap();
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// Logs in from `client` (an IP address); the answer to the POST.
    pub async fn try_login(&self, name: &str, password: &str, client: Option<&str>) -> Response {
        let page = self.get("/login", None).await;
        let login_cookie = page.cookie("zx_login").unwrap();
        let form = serde_urlencoded::to_string([
            ("name", name),
            ("password", password),
            ("csrf", &csrf_of(&page.body)),
            ("next", "/"),
        ])
        .unwrap();
        let mut req = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("zx_login={login_cookie}"))
            .body(Body::from(form))
            .unwrap();
        if let Some(ip) = client {
            let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
            req.extensions_mut().insert(ConnectInfo(addr));
        }
        self.send(req).await
    }

    pub async fn login(&self, name: &str) -> Session {
        let r = self.try_login(name, PASSWORD, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.body);
        let cookie = r.cookie("zx_session").unwrap();
        let mut s = Session {
            cookie,
            csrf: String::new(),
        };
        let page = self.get("/tokens", Some(&s)).await;
        s.csrf = csrf_of(&page.body);
        assert_eq!(s.csrf.len(), 64, "{}", page.body);
        s
    }

    pub async fn token(&self, name: &str) -> String {
        self.app().create_token_for(name, "测试").await.unwrap().1
    }

    pub async fn api(&self, method: Method, uri: &str, token: &str) -> Response {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Sends a JSON body to the API with a Bearer token.
    pub async fn api_json(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> Response {
        self.send(
            Request::builder()
                .method(method)
                .uri(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// POSTs a multipart body (`multipart`'s) to the API with a Bearer token.
    pub async fn api_post_multipart(
        &self,
        uri: &str,
        token: &str,
        (content_type, body): (String, Vec<u8>),
    ) -> Response {
        self.send(
            Request::post(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// [`Site::api_post_multipart`]; the answer, which must be 200 and JSON.
    pub async fn api_upload(
        &self,
        uri: &str,
        token: &str,
        upload: (String, Vec<u8>),
    ) -> serde_json::Value {
        let r = self.api_post_multipart(uri, token, upload).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }

    /// The row numbers (`items[].row`) of a page of a kept report over the API.
    pub async fn kept_rows(&self, uri: &str, token: &str) -> Vec<u64> {
        let r = self.api(Method::GET, uri, token).await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        v["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .filter_map(|i| i["row"].as_u64())
            .collect()
    }

    pub async fn audit_actions(&self) -> Vec<(String, String, String)> {
        self.app()
            .accounts()
            .audit_entries(Scope::All, None, 1000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.actor, e.action, e.subject))
            .collect()
    }
}

/// What a stranger's request must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 403 or 404.
    Denied,
    /// Any answer, as long as nothing of the other county is in it.
    Clean,
    /// An import: answered, with the foreign row refused as outside the area.
    RowsRefused,
    /// A list of households: answered, each foreign row refused with this reason.
    ListRefused,
    /// A department file: answered, each person of another county left out as such.
    ScreenedOutside,
    /// A project ledger: answered, the other county's project refused as outside the area.
    ProjectsRefused,
    /// A loans ledger: answered, the other county's borrower refused as outside the area.
    LoansRefused,
    /// A construction ledger: answered, the other county's item and target refused.
    ConstructionRefused,
    /// A roster: answered, the cadre in the other county's village refused.
    RosterRefused,
    /// A cooperation ledger: answered, the other county's row refused.
    CooperationRefused,
}

struct Sample {
    method: &'static str,
    path: &'static str,
    uri: String,
    body: Option<(String, Vec<u8>)>,
    expect: Expect,
    /// Which of county A's callers tries it.
    who: &'static str,
    /// What the caller typed (a search): the page may show it back, and must find nothing.
    echo: Option<String>,
}

/// A project ledger's header (the columns it needs).
pub const PROJECT_HEADER: &str = "项目编号,实施年度,项目名称,实施地点代码,项目类别,项目状态,计划投资（万元）,已下达资金（万元）,已支出资金（万元）";

/// A project ledger naming county B's project, changed.
fn foreign_projects() -> String {
    csv(
        PROJECT_HEADER,
        &["BXM1,2025,北城冷库项目改,620521100001,产业发展,已完工,30,30,30"],
    )
}

/// A roster's header (the columns it needs).
pub const ROSTER_HEADER: &str = "姓名,证件号码,所驻村代码,驻村职务,派出单位,派出单位级别,驻村时间";

/// County B's cadre, as a roster's row (`name` as written).
fn b_cadre(name: &str) -> String {
    format!(
        "{name},{},620521100001,第一书记,省农业农村厅,省直,2025-03-01",
        crate::support::id("620521", "19850101", 7)
    )
}

/// A training ledger naming county B's cadre.
fn b_training() -> String {
    csv(
        "姓名,证件号码,培训班名称,培训日期,学时",
        &[&format!(
            "欧阳北城,{},北城培训班,2026-11-01,8",
            crate::support::id("620521", "19850101", 7)
        )],
    )
}

/// A cooperation ledger's header (the columns it needs).
pub const COOPERATION_HEADER: &str = "区划代码,年度,帮扶类型,帮扶方,指标,计划,完成";

/// A table of employment targets' header.
pub const TARGETS_HEADER: &str = "区划代码,年度,务工就业目标（人）";

/// A construction ledger's items' header (the columns it needs).
pub const CONSTRUCTION_HEADER: &str =
    "项目编号,实施年度,任务类别,所在地代码,建设内容,计划数量,完成数量,进展情况";

/// A construction workbook naming county B's item (changed) and setting county B a target.
fn foreign_construction() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let items = book.add_worksheet();
    for (r, line) in [
        CONSTRUCTION_HEADER,
        "BJS1,2026,农村户厕改造,620521100001,北城厕所,40,40,已完成",
    ]
    .iter()
    .enumerate()
    {
        for (c, cell) in line.split(',').enumerate() {
            items.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    let targets = book.add_worksheet();
    for (r, line) in [
        "区划代码,年度,任务类别,目标任务数",
        "620521000000,2026,农村户厕改造,1",
    ]
    .iter()
    .enumerate()
    {
        for (c, cell) in line.split(',').enumerate() {
            targets.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// A loans ledger with one loan to `borrower` (李强, of county B).
fn foreign_loans(borrower: &str) -> String {
    csv(
        "贷款合同编号,借款人证件号码,借款人姓名,贷款金额（元）,放款日期,贷款期限（月）",
        &[&format!("BLN1,{borrower},李强,50000,2024-03-15,36")],
    )
}

/// Writes a ledger of county B's into `dir` (for the command line's reach to import).
fn b_file(dir: &std::path::Path, name: &str, text: String) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Everything of county B that must never reach a caller of county A.
fn b_markers(site: &Site) -> Vec<String> {
    let li = zhenxing_domain::IdNumber::parse(&site.li_id).unwrap();
    vec![
        "B001".into(),
        "李强".into(),
        "清水县".into(),
        "北城居民委员会".into(),
        "b_admin".into(),
        "b_officer".into(),
        "北城改厕项目".into(),
        "欧阳北城".into(),
        "北城结对区".into(),
        "北城请假事由".into(),
        site.li_id.clone(),
        li.masked(),
    ]
}

fn assert_clean(what: &str, body: &str, markers: &[String]) {
    for m in markers {
        assert!(
            !body.contains(m.as_str()),
            "{what}: the answer contains {m}:\n{body}"
        );
    }
}

/// The progress token of county B's import in [`no_route_reaches_outside_the_callers_area`].
const B_PROGRESS: &str = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

/// Every route, tried by an anonymous caller and by callers of county A on county B's data.
#[tokio::test]
async fn no_route_reaches_outside_the_callers_area() {
    let site = Site::new().await;
    // County B's own activity that A must not see: an import with a bad row, a token, a login.
    let b = site.login("b_admin").await;
    let (ct, body) = multipart(&[(
        "households",
        "b.csv",
        &csv(
            H_HEADER,
            &[
                "B002,620521100001,李强,1,9000,否,,,,否,",
                "B003,999999999999,坏行,1,9000,否,,,,否,",
            ],
        ),
    )]);
    let r = site
        .send(
            Request::post(format!("/import?csrf={}&progress={B_PROGRESS}", b.csrf))
                .header(header::COOKIE, format!("zx_session={}", b.cookie))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b_import = site.app().store().imports(Scope::All, 1).await.unwrap()[0].id;
    // County B's work news.
    let b_post = site
        .app()
        .publish_with(
            &caller(&site, "b_admin").await,
            zhenxing_domain::post::PostKind::News,
            "北城动态标题",
            "北城的工作动态",
            None,
            None,
            vec![("北城附件.pdf".into(), b"%PDF-1.4 north".to_vec())],
        )
        .await
        .unwrap();
    // County B's project ledger.
    let b_projects = tempfile::tempdir().unwrap();
    let command_line = zhenxing_app::store::Actor::command_line();
    let b_ledger = b_file(
        b_projects.path(),
        "b项目.csv",
        csv(
            PROJECT_HEADER,
            &["BXM1,2025,北城冷库项目,620521100001,产业发展,已开工,30,30,10"],
        ),
    );
    let added = site
        .app()
        .import_projects_in(&command_line, Scope::All, &b_ledger, None)
        .await
        .unwrap();
    assert_eq!(added.added, 1, "{:?}", added.errors);
    // County B's construction: an item and its target.
    let b_construction = b_file(
        b_projects.path(),
        "b乡建.csv",
        csv(
            CONSTRUCTION_HEADER,
            &["BJS1,2026,农村户厕改造,620521100001,北城改厕项目,40,10,在建"],
        ),
    );
    let built = site
        .app()
        .import_construction_in(&command_line, Scope::All, &b_construction, None)
        .await
        .unwrap();
    assert_eq!(built.items_added, 1, "{:?}", built.errors);
    // County B's work team: its first secretary.
    let b_roster = b_file(
        b_projects.path(),
        "b花名册.csv",
        csv(ROSTER_HEADER, &[&b_cadre("欧阳北城")]),
    );
    let posted = site
        .app()
        .import_roster_in(&command_line, Scope::All, &b_roster, None)
        .await
        .unwrap();
    assert_eq!(posted.added, 1, "{:?}", posted.errors);
    // County B's phone check of that cadre (its number 1 in county B).
    let drawn = site
        .app()
        .draw_phone_checks_as(
            &caller(&site, "b_admin").await,
            zhenxing_domain::AreaCode::parse(COUNTY_B).unwrap(),
            1,
        )
        .await
        .unwrap();
    assert_eq!(drawn, 1);
    // County B's cooperation ledger.
    let b_cooperation = b_file(
        b_projects.path(),
        "b协作.csv",
        csv(
            COOPERATION_HEADER,
            &[&format!(
                "{COUNTY_B},2026,东西部协作,北城结对区,财政援助资金,500,100"
            )],
        ),
    );
    let cooperated = site
        .app()
        .import_cooperation_in(&command_line, Scope::All, &b_cooperation, None)
        .await
        .unwrap();
    assert_eq!(cooperated.added, 1, "{:?}", cooperated.errors);
    // County B's loans ledger: a loan to 李强.
    let b_loans = b_file(b_projects.path(), "b贷款.csv", foreign_loans(&site.li_id));
    let lent = site
        .app()
        .import_loans_in(&command_line, Scope::All, &b_loans, None)
        .await
        .unwrap();
    assert_eq!(lent.added, 1, "{:?}", lent.errors);
    let (b_token, _) = site
        .app()
        .create_token_for("b_admin", "B的令牌")
        .await
        .unwrap();
    let b_user = site
        .app()
        .user_by_name(Manager::CommandLine, "b_officer")
        .await
        .unwrap();
    // A request for leave in county B (written as its store keeps it).
    let today = zhenxing_domain::today_in_china();
    let b_leave = site
        .app()
        .store()
        .request_leave(
            b_user.id,
            zhenxing_domain::AreaCode::parse(COUNTY_B).unwrap(),
            today,
            today,
            "北城请假事由",
        )
        .await
        .unwrap();

    let s = |method, path, uri: String, expect, who| Sample {
        method,
        path,
        uri,
        body: None,
        expect,
        who,
        echo: None,
    };
    let search = |path, uri: String, typed: &str| Sample {
        echo: Some(typed.to_string()),
        ..s("GET", path, uri, Expect::Clean, "a_admin")
    };
    let import_body = || Some(multipart(&[("households", "x.csv", &foreign_ledger())]));
    let mut samples = vec![
        s("GET", "/login", "/login".into(), Expect::Clean, "a_admin"),
        s("POST", "/login", "/login".into(), Expect::Denied, "a_admin"),
        s(
            "GET",
            "/assets/{*path}",
            "/assets/app.css".into(),
            Expect::Clean,
            "a_admin",
        ),
        s(
            "GET",
            "/api/docs",
            "/api/docs".into(),
            Expect::Clean,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/openapi.json",
            "/api/v1/openapi.json".into(),
            Expect::Clean,
            "a_admin",
        ),
        s(
            "GET",
            "/healthz",
            "/healthz".into(),
            Expect::Clean,
            "a_admin",
        ),
        s(
            "POST",
            "/logout",
            "/logout".into(),
            Expect::Clean,
            "a_admin",
        ),
        s("GET", "/", "/".into(), Expect::Clean, "a_admin"),
        s(
            "GET",
            "/areas/{code}",
            format!("/areas/{COUNTY_B}"),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/areas/{code}",
            "/areas/620000".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/areas/{code}",
            format!("/areas/{COUNTY_A}"),
            Expect::Clean,
            "a_admin",
        ),
        s(
            "GET",
            "/households",
            format!("/households?area={COUNTY_B}"),
            Expect::Denied,
            "a_admin",
        ),
        search("/households", "/households?q=B001".into(), "B001"),
        search(
            "/households",
            format!("/households?q={}", site.li_id),
            &site.li_id,
        ),
        search(
            "/households",
            format!("/households?q={}", urlencoding("李强")),
            "李强",
        ),
        s(
            "GET",
            "/households/{no}",
            "/households/B001".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/households/{no}/reveal",
            "/households/B001/reveal".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/households/{no}/close",
            "/households/B001/close".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/households/{no}/edit",
            "/households/B001/edit".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/households/{no}/members/new",
            "/households/B001/members/new".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/households/{no}/members/new",
            "/households/B001/members/new".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/households/{no}/members/{at}",
            "/households/B001/members/1".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/households/{no}/members/{at}",
            "/households/B001/members/1".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/households/{no}/members/{at}/leave",
            "/households/B001/members/1/leave".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/households/{no}/edit",
            "/households/B001/edit".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/households.xlsx",
            format!("/households.xlsx?area={COUNTY_B}"),
            Expect::Denied,
            "a_admin",
        ),
        s("GET", "/import", "/import".into(), Expect::Clean, "a_admin"),
        Sample {
            body: import_body(),
            ..s(
                "POST",
                "/import",
                "/import".into(),
                Expect::RowsRefused,
                "a_admin",
            )
        },
        s(
            "GET",
            "/imports/{id}/errors",
            format!("/imports/{b_import}/errors"),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/imports/{id}/rejected-rows",
            format!("/imports/{b_import}/rejected-rows"),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/progress/{token}",
            format!("/progress/{B_PROGRESS}"),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/progress/{token}",
            format!("/api/v1/progress/{B_PROGRESS}"),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/imports/{id}/errors",
            format!("/api/v1/imports/{b_import}/errors"),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/imports",
            "/api/v1/imports".into(),
            Expect::Clean,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/imports/{id}/rejected-rows",
            format!("/api/v1/imports/{b_import}/rejected-rows"),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/export",
            format!("/export?area={COUNTY_B}"),
            Expect::Denied,
            "a_admin",
        ),
        s("GET", "/users", "/users".into(), Expect::Clean, "a_admin"),
        s("POST", "/users", "/users".into(), Expect::Denied, "a_admin"),
        s(
            "POST",
            "/users/{id}/reset",
            format!("/users/{}/reset", b_user.id),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/users/{id}/disable",
            format!("/users/{}/disable", b_user.id),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/users/{id}/enable",
            format!("/users/{}/enable", b_user.id),
            Expect::Denied,
            "a_admin",
        ),
        s("GET", "/audit", "/audit".into(), Expect::Denied, "a_admin"),
        s("GET", "/audit", "/audit".into(), Expect::Clean, "a_auditor"),
        s("GET", "/tokens", "/tokens".into(), Expect::Clean, "a_admin"),
        s(
            "POST",
            "/tokens",
            "/tokens".into(),
            Expect::Clean,
            "a_admin",
        ),
        s(
            "POST",
            "/tokens/{id}/revoke",
            format!("/tokens/{}/revoke", b_token.id),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/me",
            "/api/v1/me".into(),
            Expect::Clean,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/areas/{code}",
            format!("/api/v1/areas/{COUNTY_B}"),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/households",
            format!("/api/v1/households?area={COUNTY_B}"),
            Expect::Denied,
            "a_admin",
        ),
        search(
            "/api/v1/households",
            format!("/api/v1/households?q={}", site.li_id),
            &site.li_id,
        ),
        s(
            "GET",
            "/api/v1/households/{no}",
            "/api/v1/households/B001".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "PATCH",
            "/api/v1/households/{no}",
            "/api/v1/households/B001".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/api/v1/households/{no}/members",
            "/api/v1/households/B001/members".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "PATCH",
            "/api/v1/households/{no}/members",
            "/api/v1/households/B001/members".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "POST",
            "/api/v1/households/{no}/members/leave",
            "/api/v1/households/B001/members/leave".into(),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/households/{no}",
            "/api/v1/households/B001?reveal=true".into(),
            Expect::Denied,
            "a_admin",
        ),
        Sample {
            body: import_body(),
            ..s(
                "POST",
                "/api/v1/imports",
                "/api/v1/imports".into(),
                Expect::RowsRefused,
                "a_admin",
            )
        },
        s(
            "GET",
            "/api/v1/stats",
            format!("/api/v1/stats?area={COUNTY_B}"),
            Expect::Denied,
            "a_admin",
        ),
        s(
            "GET",
            "/api/v1/stats",
            "/api/v1/stats?area=620000&depth=county".into(),
            Expect::Denied,
            "a_admin",
        ),
    ];
    // The monitoring lifecycle, statistics and reports: county B has a case, a visit with a
    // photo, a plan and an issued report.
    let b = crate::web_monitoring::b_monitoring(&site).await;
    let (bc, bv, br, bs) = (b.case, b.visit, b.report, b.screening);
    let form = |fields: &[(&str, &str)]| {
        Some((
            "application/x-www-form-urlencoded".to_string(),
            serde_urlencoded::to_string(fields).unwrap().into_bytes(),
        ))
    };
    let json =
        |v: serde_json::Value| Some(("application/json".to_string(), v.to_string().into_bytes()));
    let today = zhenxing_domain::today_in_china()
        .format("%Y-%m-%d")
        .to_string();
    let b_list = || {
        Some(crate::web_monitoring::multipart_body(
            &[("kind", "洪涝")],
            &[("list", "受灾户.csv", "户编号\r\nB001\r\n".as_bytes())],
        ))
    };
    let b_screening_file = |head: &str| {
        let csv = format!("证件号码,残疾类别,残疾等级,发证日期\r\n{head},视力,二级,{today}\r\n");
        Some(crate::web_monitoring::multipart_body(
            &[("kind", "disability")],
            &[("file", "残联.csv", csv.as_bytes())],
        ))
    };
    let li_masked = zhenxing_domain::IdNumber::parse(&site.li_id)
        .unwrap()
        .masked();
    let b_screening_masked = zhenxing_domain::IdNumber::parse(&b.head_id)
        .unwrap()
        .masked();
    let b_visit = || {
        Some(crate::web_monitoring::multipart_body(
            &[("check_income", "ok"), ("visit", r#"{"answers": []}"#)],
            &[("photos", "a.jpg", &crate::web_monitoring::jpeg())],
        ))
    };
    let with = |sample: Sample, body: Option<(String, Vec<u8>)>| Sample { body, ..sample };
    let own = |method, path, uri: String| s(method, path, uri, Expect::Clean, "a_admin");
    let denied = |method, path, uri: String| s(method, path, uri, Expect::Denied, "a_admin");
    let head = id("620102", "19950505", 77);
    samples.extend([
        s("GET", "/apply", "/apply".into(), Expect::Clean, "a_admin"),
        with(
            s("POST", "/apply", "/apply".into(), Expect::Clean, "a_admin"),
            form(&[
                ("village", V1),
                ("head_name", "申请人"),
                ("head_id", &head),
                ("size", "2"),
                ("risks", "1"),
            ]),
        ),
        own("GET", "/monitoring", "/monitoring".into()),
        denied("GET", "/monitoring/cases", format!("/monitoring/cases?area={COUNTY_B}")),
        own("GET", "/monitoring/cases", "/monitoring/cases?overdue=1".into()),
        denied("GET", "/monitoring/cases/{id}", format!("/monitoring/cases/{bc}")),
        with(
            denied("POST", "/monitoring/cases/{id}/steps", format!("/monitoring/cases/{bc}/steps")),
            form(&[("action", "visit"), ("opinion", "x"), ("promise_signed", "1"), ("on", &today)]),
        ),
        own("GET", "/monitoring/clues", "/monitoring/clues".into()),
        with(
            denied("POST", "/monitoring/clues", "/monitoring/clues".into()),
            form(&[("household", "B001"), ("risks", "1")]),
        ),
        with(
            denied("POST", "/monitoring/clues", "/monitoring/clues".into()),
            form(&[("household", &b.head_id), ("risks", "1")]),
        ),
        denied("GET", "/monitoring/notice/{village}", format!("/monitoring/notice/{VILLAGE_B}")),
        own("GET", "/monitoring/notice/{village}", format!("/monitoring/notice/{COUNTY_A}")),
        denied("GET", "/monitoring/notice/{village}/xlsx", format!("/monitoring/notice/{VILLAGE_B}/xlsx")),
        denied("GET", "/households/{no}/plan", "/households/B001/plan".into()),
        with(
            denied("POST", "/households/{no}/plan", "/households/B001/plan".into()),
            form(&[("cadre_name", "外县"), ("measure_1", "microcredit"), ("risk_1", "4"), ("starts_1", &today)]),
        ),
        denied("GET", "/households/{no}/visits", "/households/B001/visits".into()),
        with(denied("POST", "/households/{no}/visits", "/households/B001/visits".into()), b_visit()),
        denied("GET", "/monitoring/visits/{id}/photos/{seq}", format!("/monitoring/visits/{bv}/photos/1")),
        denied("GET", "/monitoring/visits-due", format!("/monitoring/visits-due?area={COUNTY_B}")),
        own("GET", "/monitoring/visits-due", "/monitoring/visits-due".into()),
        denied("GET", "/households/{no}/elimination", "/households/B001/elimination".into()),
        with(
            denied("POST", "/households/{no}/elimination", "/households/B001/elimination".into()),
            form(&[("mode", "1"), ("income_stable_months", "9"), ("essential_spending_resolved", "yes")]),
        ),
        denied("GET", "/monitoring/checks", format!("/monitoring/checks?area={COUNTY_B}")),
        own("GET", "/monitoring/checks", "/monitoring/checks".into()),
        own("GET", "/monitoring/policy", "/monitoring/policy".into()),
        denied("GET", "/monitoring/policy", "/monitoring/policy?province=630000000000".into()),
        with(
            denied("POST", "/monitoring/policy", "/monitoring/policy".into()),
            form(&[("content", &policy_for(2026))]),
        ),
        with(
            own("POST", "/monitoring/policy/check", "/monitoring/policy/check".into()),
            form(&[("content", "format = 1")]),
        ),
        own("GET", "/monitoring/disaster", "/monitoring/disaster".into()),
        Sample {
            echo: Some("B001".into()),
            ..with(
                s("POST", "/monitoring/disaster", "/monitoring/disaster".into(), Expect::ListRefused, "a_admin"),
                b_list(),
            )
        },
        own("GET", "/monitoring/screening", "/monitoring/screening".into()),
        Sample {
            echo: Some(b_screening_masked.clone()),
            ..with(
                s("POST", "/monitoring/screening", "/monitoring/screening".into(), Expect::ScreenedOutside, "a_admin"),
                b_screening_file(&b.head_id),
            )
        },
        denied("GET", "/monitoring/screening/{id}", format!("/monitoring/screening/{bs}")),
        denied("GET", "/monitoring/screening/{id}", format!("/monitoring/screening/{bs}?area={COUNTY_B}")),
        denied("GET", "/monitoring/screening/{id}/xlsx", format!("/monitoring/screening/{bs}/xlsx")),
        denied("GET", "/monitoring/screening/{id}/problems/xlsx", format!("/monitoring/screening/{bs}/problems/xlsx")),
        denied("GET", "/registry-checks", format!("/registry-checks?area={COUNTY_B}")),
        denied("GET", "/registry-checks", "/registry-checks?area=620000".into()),
        own("GET", "/registry-checks", "/registry-checks".into()),
        denied("GET", "/registry-checks/xlsx", format!("/registry-checks/xlsx?area={COUNTY_B}")),
        denied("GET", "/api/v1/registry-checks", format!("/api/v1/registry-checks?area={COUNTY_B}")),
        own("GET", "/api/v1/registry-checks", "/api/v1/registry-checks?limit=100000".into()),
        denied("GET", "/relocation", format!("/relocation?area={COUNTY_B}")),
        denied("GET", "/relocation", "/relocation?area=620000".into()),
        own("GET", "/relocation", "/relocation".into()),
        denied("GET", "/relocation/xlsx", format!("/relocation/xlsx?area={COUNTY_B}")),
        own("GET", "/relocation/xlsx", "/relocation/xlsx".into()),
        denied("GET", "/api/v1/relocation", format!("/api/v1/relocation?area={COUNTY_B}")),
        own("GET", "/api/v1/relocation", "/api/v1/relocation?limit=100000".into()),
        own("GET", "/work", "/work".into()),
        own("GET", "/attendance", "/attendance".into()),
        denied("GET", "/attendance", format!("/attendance?area={COUNTY_B}")),
        with(
            s("POST", "/attendance", "/attendance".into(), Expect::Denied, "a_admin"),
            form(&[("kind", "present")]),
        ),
        own("GET", "/api/v1/attendance", "/api/v1/attendance".into()),
        denied("GET", "/api/v1/attendance", format!("/api/v1/attendance?area={COUNTY_B}")),
        with(
            s("POST", "/api/v1/checkins", "/api/v1/checkins".into(), Expect::Denied, "a_admin"),
            json(serde_json::json!({"kind": "present"})),
        ),
        with(
            s("POST", "/attendance/leave", "/attendance/leave".into(), Expect::Denied, "a_admin"),
            form(&[("from", "2026-12-01"), ("until", "2026-12-01"), ("reason", "事假")]),
        ),
        with(
            s("POST", "/attendance/leave/{id}", format!("/attendance/leave/{b_leave}"), Expect::Denied, "a_township"),
            form(&[("decision", "approve")]),
        ),
        s(
            "POST",
            "/attendance/leave/{id}/withdraw",
            format!("/attendance/leave/{b_leave}/withdraw"),
            Expect::Denied,
            "a_cadre",
        ),
        s(
            "POST",
            "/api/v1/leave/{id}/withdraw",
            format!("/api/v1/leave/{b_leave}/withdraw"),
            Expect::Denied,
            "a_cadre",
        ),
        with(
            s("POST", "/api/v1/leave", "/api/v1/leave".into(), Expect::Denied, "a_admin"),
            json(serde_json::json!({"from": "2026-12-01", "until": "2026-12-01", "reason": "事假"})),
        ),
        with(
            s("POST", "/api/v1/leave/{id}", format!("/api/v1/leave/{b_leave}"), Expect::Denied, "a_admin"),
            json(serde_json::json!({"decision": "approve"})),
        ),
        own("GET", "/posts", "/posts".into()),
        own("GET", "/posts/new", "/posts/new".into()),
        denied("GET", "/posts/{id}", format!("/posts/{b_post}")),
        with(
            own("POST", "/posts", "/posts".into()),
            form(&[("kind", "news"), ("title", "城关动态"), ("body", "城关的工作动态")]),
        ),
        own("GET", "/api/v1/posts", "/api/v1/posts".into()),
        denied("GET", "/api/v1/posts/{id}", format!("/api/v1/posts/{b_post}")),
        denied("GET", "/posts/{id}/attachments/{n}", format!("/posts/{b_post}/attachments/1")),
        with(
            denied("POST", "/posts/{id}/withdraw", format!("/posts/{b_post}/withdraw")),
            form(&[]),
        ),
        denied("POST", "/api/v1/posts/{id}/withdraw", format!("/api/v1/posts/{b_post}/withdraw")),
        denied("GET", "/api/v1/posts/{id}/attachments/{n}", format!("/api/v1/posts/{b_post}/attachments/1")),
        with(
            own("POST", "/api/v1/posts", "/api/v1/posts".into()),
            json(serde_json::json!({"kind": "news", "title": "城关动态", "body": "城关的工作动态"})),
        ),
        denied("GET", "/api/v1/key-counties", format!("/api/v1/key-counties?area={COUNTY_B}")),
        own("GET", "/api/v1/key-counties", "/api/v1/key-counties".into()),
        denied("GET", "/loans", format!("/loans?area={COUNTY_B}")),
        own("GET", "/loans", "/loans?date=2026-06-30".into()),
        denied("GET", "/loans/xlsx", format!("/loans/xlsx?area={COUNTY_B}")),
        denied("GET", "/work-teams/phone-checks/xlsx", format!("/work-teams/phone-checks/xlsx?area={COUNTY_B}")),
        own("GET", "/work-teams/phone-checks/xlsx", "/work-teams/phone-checks/xlsx".into()),
        denied("GET", "/loans/{county}/{no}", "/loans/620521000000/BLN1".into()),
        denied("GET", "/api/v1/loans/{county}/{no}", "/api/v1/loans/620521000000/BLN1".into()),
        denied("GET", "/api/v1/households/{no}/loans", "/api/v1/households/B001/loans".into()),
        own("GET", "/loans/xlsx", "/loans/xlsx".into()),
        Sample {
            echo: Some(li_masked.clone()),
            ..with(
                s("POST", "/loans", "/loans".into(), Expect::LoansRefused, "a_admin"),
                Some(multipart(&[("ledger", "贷款.csv", &foreign_loans(&site.li_id))])),
            )
        },
        denied("GET", "/api/v1/loans", format!("/api/v1/loans?area={COUNTY_B}")),
        own("GET", "/api/v1/loans", "/api/v1/loans?limit=100000".into()),
        Sample {
            echo: Some(li_masked.clone()),
            ..with(
                s("POST", "/api/v1/loans/import", "/api/v1/loans/import".into(), Expect::LoansRefused, "a_admin"),
                Some(multipart(&[("ledger", "贷款.csv", &foreign_loans(&site.li_id))])),
            )
        },
        denied("GET", "/work-teams", format!("/work-teams?area={COUNTY_B}")),
        own("GET", "/work-teams", "/work-teams".into()),
        denied("GET", "/work-teams/xlsx", format!("/work-teams/xlsx?area={COUNTY_B}")),
        own("GET", "/work-teams/xlsx", "/work-teams/xlsx".into()),
        with(
            s("POST", "/work-teams", "/work-teams".into(), Expect::RosterRefused, "a_admin"),
            Some(multipart(&[("ledger", "花名册.csv", &csv(ROSTER_HEADER, &[&b_cadre("欧阳北")]))])),
        ),
        denied("GET", "/api/v1/work-teams", format!("/api/v1/work-teams?area={COUNTY_B}")),
        own("GET", "/api/v1/work-teams", "/api/v1/work-teams".into()),
        with(
            s("POST", "/api/v1/work-teams/import", "/api/v1/work-teams/import".into(), Expect::RosterRefused, "a_admin"),
            Some(multipart(&[("ledger", "花名册.csv", &csv(ROSTER_HEADER, &[&b_cadre("欧阳北")]))])),
        ),
        denied("GET", "/work-teams/phone-checks", format!("/work-teams/phone-checks?area={COUNTY_B}")),
        own("GET", "/work-teams/phone-checks", "/work-teams/phone-checks".into()),
        with(denied("POST", "/work-teams/phone-checks/draw", "/work-teams/phone-checks/draw".into()), form(&[("area", COUNTY_B), ("count", "1")])),
        with(denied("POST", "/work-teams/phone-checks/{county}/{no}", format!("/work-teams/phone-checks/{COUNTY_B}/1")), form(&[("result", "不在岗"), ("note", "A改B")])),
        denied("POST", "/work-teams/phone-checks/{county}/{no}/phone", format!("/work-teams/phone-checks/{COUNTY_B}/1/phone")),
        denied("GET", "/api/v1/work-teams/phone-checks", format!("/api/v1/work-teams/phone-checks?area={COUNTY_B}")),
        own("GET", "/api/v1/work-teams/phone-checks", "/api/v1/work-teams/phone-checks".into()),
        with(denied("POST", "/api/v1/work-teams/phone-checks/draw", "/api/v1/work-teams/phone-checks/draw".into()), json(serde_json::json!({"area": COUNTY_B, "count": 1}))),
        with(denied("POST", "/api/v1/work-teams/phone-checks/{county}/{no}", format!("/api/v1/work-teams/phone-checks/{COUNTY_B}/1")), json(serde_json::json!({"result": "不在岗"}))),
        with(
            s("POST", "/work-teams/trainings", "/work-teams/trainings".into(), Expect::RosterRefused, "a_admin"),
            Some(multipart(&[("ledger", "培训.csv", &b_training())])),
        ),
        with(
            s("POST", "/api/v1/work-teams/trainings/import", "/api/v1/work-teams/trainings/import".into(), Expect::RosterRefused, "a_admin"),
            Some(multipart(&[("ledger", "培训.csv", &b_training())])),
        ),
        denied("GET", "/work-logs", format!("/work-logs?area={COUNTY_B}")),
        own("GET", "/work-logs", "/work-logs".into()),
        with(denied("POST", "/work-logs", "/work-logs".into()), form(&[("body", "走访"), ("households", "B001")])),
        denied("GET", "/api/v1/work-logs", format!("/api/v1/work-logs?area={COUNTY_B}")),
        own("GET", "/api/v1/work-logs", "/api/v1/work-logs".into()),
        own("GET", "/api/v1/my-day", "/api/v1/my-day".into()),
        denied("GET", "/work-logs/{user}/{day}/photos/{seq}", "/work-logs/1/2026-01-01/photos/1".into()),
        denied("GET", "/api/v1/work-logs/{user}/{day}/photos/{n}", "/api/v1/work-logs/1/2026-01-01/photos/1".into()),
        denied("GET", "/apply/poster", format!("/apply/poster?village={VILLAGE_B}")),
        own("GET", "/apply/poster", format!("/apply/poster?village={V1}")),
        with(
            denied("POST", "/api/v1/work-logs", "/api/v1/work-logs".into()),
            json(serde_json::json!({"body": "走访", "households": ["B001"]})),
        ),
        denied("GET", "/employment", format!("/employment?area={COUNTY_B}")),
        own("GET", "/employment", "/employment".into()),
        denied("GET", "/api/v1/employment", format!("/api/v1/employment?area={COUNTY_B}")),
        own("GET", "/api/v1/employment", "/api/v1/employment".into()),
        denied("GET", "/employment/xlsx", format!("/employment/xlsx?area={COUNTY_B}")),
        own("GET", "/employment/xlsx", "/employment/xlsx".into()),
        denied("GET", "/employment/targets.xlsx", format!("/employment/targets.xlsx?area={COUNTY_B}")),
        own("GET", "/employment/targets.xlsx", "/employment/targets.xlsx".into()),
        with(
            s("POST", "/employment/targets", "/employment/targets".into(), Expect::CooperationRefused, "a_admin"),
            Some(multipart(&[("ledger", "目标.csv", &csv(TARGETS_HEADER, &[&format!("{COUNTY_B},2026,900")]))])),
        ),
        with(
            s("POST", "/api/v1/employment/targets/import", "/api/v1/employment/targets/import".into(), Expect::CooperationRefused, "a_admin"),
            Some(multipart(&[("ledger", "目标.csv", &csv(TARGETS_HEADER, &[&format!("{COUNTY_B},2026,900")]))])),
        ),
        denied("GET", "/cooperation", format!("/cooperation?area={COUNTY_B}")),
        own("GET", "/cooperation", "/cooperation?year=2026".into()),
        denied("GET", "/cooperation/xlsx", format!("/cooperation/xlsx?area={COUNTY_B}")),
        own("GET", "/cooperation/xlsx", "/cooperation/xlsx?year=2026".into()),
        with(
            s("POST", "/cooperation", "/cooperation".into(), Expect::CooperationRefused, "a_admin"),
            Some(multipart(&[("ledger", "协作.csv", &csv(COOPERATION_HEADER, &[&format!("{COUNTY_B},2026,东西部协作,北城结对区,财政援助资金,900,900")]))])),
        ),
        denied("GET", "/api/v1/cooperation", format!("/api/v1/cooperation?area={COUNTY_B}")),
        own("GET", "/api/v1/cooperation", "/api/v1/cooperation?year=2026".into()),
        with(
            s("POST", "/api/v1/cooperation/import", "/api/v1/cooperation/import".into(), Expect::CooperationRefused, "a_admin"),
            Some(multipart(&[("ledger", "协作.csv", &csv(COOPERATION_HEADER, &[&format!("{COUNTY_B},2026,东西部协作,北城结对区,财政援助资金,900,900")]))])),
        ),
        denied("GET", "/construction", format!("/construction?area={COUNTY_B}")),
        own("GET", "/construction", "/construction?year=2026".into()),
        denied("GET", "/construction/xlsx", format!("/construction/xlsx?area={COUNTY_B}")),
        own("GET", "/construction/xlsx", "/construction/xlsx?year=2026".into()),
        denied("GET", "/construction/figures.xlsx", format!("/construction/figures.xlsx?area={COUNTY_B}&year=2026")),
        denied("GET", "/construction/{county}/{no}", "/construction/620521/BJS1".into()),
        denied("GET", "/api/v1/construction/{county}/{no}", "/api/v1/construction/620521000000/BJS1".into()),
        own("GET", "/construction/figures.xlsx", "/construction/figures.xlsx?year=2026".into()),
        with(
            s("POST", "/construction", "/construction".into(), Expect::ConstructionRefused, "a_admin"),
            Some(crate::web_monitoring::multipart_body(&[], &[("ledger", "乡建.xlsx", &foreign_construction())])),
        ),
        denied("GET", "/api/v1/construction", format!("/api/v1/construction?area={COUNTY_B}")),
        own("GET", "/api/v1/construction", "/api/v1/construction?year=2026".into()),
        with(
            s("POST", "/api/v1/construction/import", "/api/v1/construction/import".into(), Expect::ConstructionRefused, "a_admin"),
            Some(crate::web_monitoring::multipart_body(&[], &[("ledger", "乡建.xlsx", &foreign_construction())])),
        ),
        denied("GET", "/projects", format!("/projects?area={COUNTY_B}")),
        own("GET", "/projects", "/projects?year=2025".into()),
        denied("GET", "/projects/xlsx", format!("/projects/xlsx?area={COUNTY_B}")),
        own("GET", "/projects/xlsx", "/projects/xlsx".into()),
        denied("GET", "/projects/figures.xlsx", format!("/projects/figures.xlsx?area={COUNTY_B}&year=2025")),
        own("GET", "/projects/figures.xlsx", "/projects/figures.xlsx".into()),
        denied("GET", "/projects/{county}/{no}", "/projects/620521/BXM1".into()),
        with(
            s("POST", "/projects", "/projects".into(), Expect::ProjectsRefused, "a_admin"),
            Some(multipart(&[("ledger", "项目.csv", &foreign_projects())])),
        ),
        denied("GET", "/api/v1/projects", format!("/api/v1/projects?area={COUNTY_B}")),
        own("GET", "/api/v1/projects", "/api/v1/projects".into()),
        denied("GET", "/api/v1/projects/{county}/{no}", "/api/v1/projects/620521000000/BXM1".into()),
        with(
            s("POST", "/api/v1/projects/import", "/api/v1/projects/import".into(), Expect::ProjectsRefused, "a_admin"),
            Some(multipart(&[("ledger", "项目.csv", &foreign_projects())])),
        ),
        denied("GET", "/dashboard", format!("/dashboard?area={COUNTY_B}")),
        denied("GET", "/dashboard", "/dashboard?area=620000".into()),
        own("GET", "/dashboard", "/dashboard".into()),
        denied("GET", "/dashboard/trend", format!("/dashboard/trend?area={COUNTY_B}")),
        own("GET", "/dashboard/trend", "/dashboard/trend".into()),
        denied("GET", "/dashboard/verification", format!("/dashboard/verification?area={COUNTY_B}")),
        own("GET", "/dashboard/verification", "/dashboard/verification".into()),
        denied("GET", "/reports", format!("/reports?area={COUNTY_B}")),
        own("GET", "/reports", "/reports".into()),
        with(denied("POST", "/reports", "/reports".into()), form(&[("area", COUNTY_B)])),
        denied("GET", "/reports/preview", format!("/reports/preview?area={COUNTY_B}")),
        own("GET", "/reports/preview", "/reports/preview".into()),
        denied("GET", "/reports/preview/xlsx", format!("/reports/preview/xlsx?area={COUNTY_B}")),
        denied("GET", "/reports/{id}", format!("/reports/{br}")),
        denied("GET", "/reports/{id}/xlsx", format!("/reports/{br}/xlsx")),
        denied("GET", "/api/v1/stats/verification", format!("/api/v1/stats/verification?area={COUNTY_B}")),
        denied("GET", "/api/v1/reports", format!("/api/v1/reports?area={COUNTY_B}")),
        with(
            denied("POST", "/api/v1/reports", "/api/v1/reports".into()),
            json(serde_json::json!({"area": COUNTY_B})),
        ),
        denied("GET", "/api/v1/reports/preview", format!("/api/v1/reports/preview?area={COUNTY_B}")),
        denied("GET", "/api/v1/reports/{id}", format!("/api/v1/reports/{br}")),
        denied("GET", "/api/v1/reports/{id}/xlsx", format!("/api/v1/reports/{br}/xlsx")),
        own("GET", "/api/v1/monitoring/policies/{province}/{year}", "/api/v1/monitoring/policies/62/2025".into()),
        denied("GET", "/api/v1/monitoring/policies/{province}/{year}", "/api/v1/monitoring/policies/63/2025".into()),
        with(
            denied("POST", "/api/v1/monitoring/policies/{province}/{year}", "/api/v1/monitoring/policies/62/2026".into()),
            json(serde_json::json!({"content": policy_for(2026)})),
        ),
        denied("GET", "/api/v1/monitoring/policies/{province}/{year}/versions", "/api/v1/monitoring/policies/63/2025/versions".into()),
        with(
            denied("POST", "/api/v1/monitoring/policies/{province}/{year}/check", "/api/v1/monitoring/policies/63/2025/check".into()),
            json(serde_json::json!({"content": "format = 1"})),
        ),
        denied("GET", "/api/v1/monitoring/clues", format!("/api/v1/monitoring/clues?area={COUNTY_B}")),
        own("GET", "/api/v1/monitoring/clues", "/api/v1/monitoring/clues".into()),
        with(
            denied("POST", "/api/v1/monitoring/clues", "/api/v1/monitoring/clues".into()),
            json(serde_json::json!({"household": "B001", "risks": ["因病"]})),
        ),
        with(
            denied("POST", "/api/v1/monitoring/clues", "/api/v1/monitoring/clues".into()),
            json(serde_json::json!({"new_household": {"village": VILLAGE_B, "head_name": "越界", "head_id": id("620521", "19990909", 8)}, "risks": ["因病"]})),
        ),
        denied("GET", "/api/v1/monitoring/cases", format!("/api/v1/monitoring/cases?area={COUNTY_B}")),
        own("GET", "/api/v1/monitoring/cases", "/api/v1/monitoring/cases".into()),
        own("GET", "/api/v1/monitoring/cases/mine", "/api/v1/monitoring/cases/mine".into()),
        denied("GET", "/api/v1/monitoring/cases/{id}", format!("/api/v1/monitoring/cases/{bc}")),
        with(
            denied("POST", "/api/v1/monitoring/cases/{id}/steps", format!("/api/v1/monitoring/cases/{bc}/steps")),
            json(serde_json::json!({"action": "withdraw", "opinion": "越界撤回"})),
        ),
        with(
            denied("POST", "/api/v1/monitoring/eliminations", "/api/v1/monitoring/eliminations".into()),
            json(serde_json::json!({"household": "B001", "mode": "自然消除"})),
        ),
        denied("GET", "/api/v1/monitoring/households/{no}/plan", "/api/v1/monitoring/households/B001/plan".into()),
        with(
            denied("PUT", "/api/v1/monitoring/households/{no}/plan", "/api/v1/monitoring/households/B001/plan".into()),
            json(serde_json::json!({"cadre_name": "外县", "measures": []})),
        ),
        denied("GET", "/api/v1/monitoring/households/{no}/visits", "/api/v1/monitoring/households/B001/visits".into()),
        with(
            denied("POST", "/api/v1/monitoring/households/{no}/visits", "/api/v1/monitoring/households/B001/visits".into()),
            b_visit(),
        ),
        denied("GET", "/api/v1/monitoring/visits/{id}/photos/{seq}", format!("/api/v1/monitoring/visits/{bv}/photos/1")),
        denied("GET", "/api/v1/monitoring/visits-due", format!("/api/v1/monitoring/visits-due?area={COUNTY_B}")),
        denied("GET", "/api/v1/monitoring/notice/{village}", format!("/api/v1/monitoring/notice/{VILLAGE_B}")),
        denied("GET", "/api/v1/monitoring/notice/{village}/xlsx", format!("/api/v1/monitoring/notice/{VILLAGE_B}/xlsx")),
        denied("GET", "/api/v1/monitoring/checks", format!("/api/v1/monitoring/checks?area={COUNTY_B}")),
        Sample {
            echo: Some("B001".into()),
            ..with(
                s("POST", "/api/v1/monitoring/disaster", "/api/v1/monitoring/disaster".into(), Expect::ListRefused, "a_admin"),
                b_list(),
            )
        },
        own("GET", "/api/v1/monitoring/screenings", "/api/v1/monitoring/screenings".into()),
        Sample {
            echo: Some(b_screening_masked.clone()),
            ..with(
                s("POST", "/api/v1/monitoring/screenings", "/api/v1/monitoring/screenings".into(), Expect::ScreenedOutside, "a_admin"),
                b_screening_file(&b.head_id),
            )
        },
        denied("GET", "/api/v1/monitoring/screenings/{id}/results", format!("/api/v1/monitoring/screenings/{bs}/results")),
        denied("GET", "/api/v1/monitoring/screenings/{id}/results", format!("/api/v1/monitoring/screenings/{bs}/results?area={COUNTY_B}")),
        denied("GET", "/api/v1/monitoring/screenings/{id}/problems", format!("/api/v1/monitoring/screenings/{bs}/problems")),
    ]);
    // Form bodies that would act on B.
    for sample in samples.iter_mut() {
        if sample.path == "/users" && sample.method == "POST" {
            let form = serde_urlencoded::to_string([
                ("name", "intruder"),
                ("role", "village_cadre"),
                ("area", VILLAGE_B),
            ])
            .unwrap();
            sample.body = Some((
                "application/x-www-form-urlencoded".into(),
                form.into_bytes(),
            ));
        }
        if sample.path.starts_with("/households/{no}/members/") && sample.method == "POST" {
            sample.body = Some((
                "application/x-www-form-urlencoded".into(),
                serde_urlencoded::to_string([
                    ("version", "1"),
                    ("masked_id", "6205**********0033"),
                    ("name", "越界"),
                    ("relation", "之子"),
                    ("id_number", id("620521", "20200101", 7).as_str()),
                    ("reason", "死亡"),
                ])
                .unwrap()
                .into_bytes(),
            ));
        }
        if sample.path.starts_with("/api/v1/households/{no}/members") {
            let li_id = id("620521", "19800303", 5);
            let body = if sample.path.ends_with("/leave") {
                serde_json::json!({"id_number": li_id, "version": 1, "reason": "死亡"})
            } else if sample.method == "PATCH" {
                serde_json::json!({"id_number": li_id, "version": 1, "health": "患有大病"})
            } else {
                serde_json::json!({"id_number": id("620521", "20200101", 7), "name": "越界", "relation": "之子"})
            };
            sample.body = Some(("application/json".into(), body.to_string().into_bytes()));
        }
        if sample.path == "/api/v1/households/{no}" && sample.method == "PATCH" {
            sample.body = Some((
                "application/json".into(),
                br#"{"version": 1, "wage": "100"}"#.to_vec(),
            ));
        }
        if sample.path == "/households/{no}/edit" && sample.method == "POST" {
            sample.body = Some((
                "application/x-www-form-urlencoded".into(),
                b"version=1&size=2&wage=100".to_vec(),
            ));
        }
        if sample.path == "/households/{no}/close" {
            sample.body = Some((
                "application/x-www-form-urlencoded".into(),
                "reason=%E5%85%B6%E4%BB%96".as_bytes().to_vec(),
            ));
        }
        if sample.path == "/tokens" && sample.method == "POST" {
            sample.body = Some((
                "application/x-www-form-urlencoded".into(),
                b"label=A%E7%9A%84".to_vec(),
            ));
        }
        if sample.path == "/login" && sample.method == "POST" {
            let form =
                serde_urlencoded::to_string([("name", "someone"), ("password", PASSWORD)]).unwrap();
            sample.body = Some((
                "application/x-www-form-urlencoded".into(),
                form.into_bytes(),
            ));
        }
    }

    // The samples cover the router's table, and nothing else.
    let routes: BTreeSet<(&str, &str)> = zhenxing_web::routes::specs()
        .iter()
        .map(|r| (r.method, r.path))
        .collect();
    let sampled: BTreeSet<(&str, &str)> = samples.iter().map(|s| (s.method, s.path)).collect();
    assert_eq!(
        routes, sampled,
        "every route needs an access sample, and every sample a route"
    );

    let mut markers = b_markers(&site);
    let b_head = zhenxing_domain::IdNumber::parse(&b.head_id).unwrap();
    markers.extend([
        "北城动态标题".to_string(),
        "BLN1".to_string(),
        "BXM1".to_string(),
        "北城冷库项目".to_string(),
        "李明亮".to_string(),
        b.head_id.clone(),
        b_head.masked(),
        "北城走访".into(),
        "13911112222".into(),
    ]);
    let mut a_markers = markers.clone();
    a_markers.extend(["A001".to_string(), "王伟".to_string(), site.wang_id.clone()]);
    let specs = zhenxing_web::routes::specs();
    let mut sessions = std::collections::HashMap::new();
    let mut tokens = std::collections::HashMap::new();
    for sample in &samples {
        let spec = specs
            .iter()
            .find(|r| (r.method, r.path) == (sample.method, sample.path))
            .unwrap();
        let is_api = spec.access == Access::Api;
        let build = |auth: Option<(&str, &str)>, csrf: Option<&str>| {
            let uri = match csrf {
                Some(c)
                    if sample
                        .body
                        .as_ref()
                        .is_some_and(|b| b.0.starts_with("multipart")) =>
                {
                    format!("{}?csrf={c}", sample.uri)
                }
                _ => sample.uri.clone(),
            };
            let mut b = Request::builder().method(sample.method).uri(uri);
            match auth {
                Some(("cookie", v)) => b = b.header(header::COOKIE, format!("zx_session={v}")),
                Some((_, v)) => b = b.header(header::AUTHORIZATION, format!("Bearer {v}")),
                None => {}
            }
            let body = match &sample.body {
                Some((ct, bytes)) => {
                    b = b.header(header::CONTENT_TYPE, ct.as_str());
                    let mut bytes = bytes.clone();
                    if let (Some(c), false) = (csrf, ct.starts_with("multipart")) {
                        bytes.extend_from_slice(format!("&csrf={c}").as_bytes());
                    }
                    Body::from(bytes)
                }
                None if sample.method == "POST" && csrf.is_some() => {
                    b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                    Body::from(format!("csrf={}", csrf.unwrap_or_default()))
                }
                None => Body::empty(),
            };
            b.body(body).unwrap()
        };

        // Anonymous.
        let r = site.send(build(None, None)).await;
        let what = format!("anonymous {} {}", sample.method, sample.uri);
        match spec.access {
            Access::Public => assert!(
                r.status.is_success() || r.status == StatusCode::FORBIDDEN,
                "{what}: {}",
                r.status
            ),
            Access::Page => {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{what}");
                assert!(
                    r.location().starts_with("/login"),
                    "{what}: {}",
                    r.location()
                );
            }
            Access::Api => {
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}");
                assert!(
                    r.body.contains("\"code\":\"unauthenticated\""),
                    "{what}: {}",
                    r.body
                );
            }
        }
        assert_clean(&what, &r.body, &a_markers);

        // A caller of county A.
        let r = if is_api {
            if !tokens.contains_key(sample.who) {
                tokens.insert(sample.who, site.token(sample.who).await);
            }
            site.send(build(Some(("bearer", &tokens[sample.who])), None))
                .await
        } else {
            // Logging out ends the session: that sample gets one of its own.
            let session = if sample.path == "/logout" {
                site.login(sample.who).await
            } else {
                if !sessions.contains_key(sample.who) {
                    sessions.insert(sample.who, site.login(sample.who).await);
                }
                sessions[sample.who].clone()
            };
            site.send(build(
                Some(("cookie", &session.cookie)),
                Some(&session.csrf),
            ))
            .await
        };
        let what = format!("{} {} {}", sample.who, sample.method, sample.uri);
        match sample.expect {
            Expect::Denied => assert!(
                r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
                "{what}: {} {}",
                r.status,
                r.body
            ),
            Expect::Clean => assert!(r.status.as_u16() < 400, "{what}: {} {}", r.status, r.body),
            Expect::RowsRefused => {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                assert!(
                    r.body.contains("所在村不在您的管辖范围内"),
                    "{what}: {}",
                    r.body
                );
            }
            Expect::ScreenedOutside => {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                assert!(
                    r.body.contains("此人登记在您管辖范围以外的户中"),
                    "{what}: {}",
                    r.body
                );
            }
            Expect::LoansRefused => {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                assert!(
                    r.body.contains("借款人的户不在您的管辖范围内"),
                    "{what}: {}",
                    r.body
                );
            }
            Expect::CooperationRefused => {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                assert!(
                    r.body.contains("该县不在您的管辖范围内"),
                    "{what}: {}",
                    r.body
                );
            }
            Expect::RosterRefused => {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                assert!(
                    r.body.contains("所驻村不在您的管辖范围内"),
                    "{what}: {}",
                    r.body
                );
            }
            Expect::ConstructionRefused => {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                for refused in ["所在地不在您的管辖范围内", "该县不在您的管辖范围内"]
                {
                    assert!(r.body.contains(refused), "{what}: {}", r.body);
                }
            }
            Expect::ProjectsRefused => {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                assert!(
                    r.body.contains("实施地点不在您的管辖范围内"),
                    "{what}: {}",
                    r.body
                );
            }
            Expect::ListRefused => {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                assert!(
                    r.body.contains("不存在或不在您的管辖范围内"),
                    "{what}: {}",
                    r.body
                );
            }
        }
        let body = match &sample.echo {
            Some(typed) => {
                if sample.expect == Expect::Clean {
                    assert!(
                        r.body.contains("没有符合条件的农户") || r.body.contains("\"items\":[]"),
                        "{what}: found something: {}",
                        r.body
                    );
                }
                r.body.replace(typed.as_str(), "")
            }
            None => r.body,
        };
        assert_clean(&what, &body, &markers);
    }
    // B's cooperation as it was: a county A caller's ledger naming it changed nothing.
    let b_entries = site
        .app()
        .store()
        .cooperation()
        .cooperation(
            Scope::All,
            AreaCode::parse(COUNTY_B).unwrap(),
            zhenxing_domain::PolicyYear::new(2026).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(b_entries.len(), 1);
    assert_eq!(
        (b_entries[0].planned, b_entries[0].done),
        (500_000_000, 100_000_000)
    );
    // B's cadre as it was: a county A caller's roster naming them changed nothing.
    let b_team = site
        .app()
        .store()
        .work_teams()
        .team_members(Scope::All, AreaCode::parse(COUNTY_B).unwrap())
        .await
        .unwrap();
    assert_eq!(b_team.len(), 1);
    assert_eq!(
        (b_team[0].member.name.as_str(), b_team[0].version),
        ("欧阳北城", 1)
    );
    // B's construction as it was: a county A caller's workbook naming it changed nothing.
    let b_items = site
        .app()
        .store()
        .construction()
        .construction_items(
            Scope::All,
            AreaCode::parse(COUNTY_B).unwrap(),
            zhenxing_domain::PolicyYear::new(2026).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(b_items.len(), 1);
    assert_eq!((b_items[0].item.done, b_items[0].version), (10, 1));
    assert!(
        site.app()
            .store()
            .construction()
            .construction_targets(
                Scope::All,
                AreaCode::parse(COUNTY_B).unwrap(),
                zhenxing_domain::PolicyYear::new(2026).unwrap(),
            )
            .await
            .unwrap()
            .is_empty()
    );
    // B's project as it was: a county A caller's ledger naming it changed nothing.
    let bxm1 = site
        .app()
        .store()
        .projects()
        .projects(Scope::All, AreaCode::parse(COUNTY_B).unwrap(), None)
        .await
        .unwrap();
    assert_eq!(bxm1.len(), 1);
    assert_eq!(bxm1[0].project.name, "北城冷库项目");
    assert_eq!(bxm1[0].version, 1);
    // Nothing of B changed hands.
    let b001 = zhenxing_domain::HouseholdNo::parse("B001").unwrap();
    let h = site
        .app()
        .store()
        .household(Scope::All, &b001)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h.household.head_name, "李强");
    assert!(
        site.app()
            .store()
            .household(
                Scope::All,
                &zhenxing_domain::HouseholdNo::parse("X900").unwrap()
            )
            .await
            .unwrap()
            .is_none()
    );
    let b_officer = site
        .app()
        .user_by_name(Manager::CommandLine, "b_officer")
        .await
        .unwrap();
    assert!(!b_officer.disabled);
    assert!(
        site.app()
            .user_by_name(Manager::CommandLine, "intruder")
            .await
            .is_err()
    );
    assert!(
        site.app()
            .tokens(&caller(&site, "b_admin").await)
            .await
            .unwrap()
            .iter()
            .all(|t| t.revoked_at.is_none())
    );
}

fn urlencoding(s: &str) -> String {
    zhenxing_web::views::urlencode(s)
}

async fn caller(site: &Site, name: &str) -> zhenxing_app::auth::Caller {
    zhenxing_app::auth::Caller {
        user: site
            .app()
            .user_by_name(Manager::CommandLine, name)
            .await
            .unwrap(),
        via: zhenxing_app::auth::Via::Token,
    }
}

/// The import page sums up the refused rows by kind (file, column, reason), the most frequent
/// first, when there is more than one kind or more rows than it lists.
#[tokio::test]
async fn the_import_page_sums_up_its_refused_rows_by_kind() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let upload = |rows: &[&str]| {
        let (ct, body) = multipart(&[("households", "户.csv", &csv(H_HEADER, rows))]);
        Request::post(format!("/import?csrf={}", admin.csrf))
            .header(header::COOKIE, format!("zx_session={}", admin.cookie))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    let r = site
        .send(upload(&[
            "A101,620102010202,,1,8000,否,,,,否,",
            "A102,620102019999,错村,1,8000,否,,,,否,",
            "A103,620102010202,孙强,3,8000,否,,,,否,",
            "A104,620102019998,错村二,1,8000,否,,,,否,",
            "A105,620102019997,错村三,1,8000,否,,,,否,",
        ]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let at = r.body.find("id=\"error-kinds\"").expect("the summary");
    let table = &r.body[at..at + r.body[at..].find("</table>").unwrap()];
    let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(
        rows[0].contains("所在村代码")
            && rows[0].contains("区划代码620102019999不在区划库中")
            && rows[0].contains("<td class=\"n\">3</td>"),
        "{table}"
    );
    assert!(
        rows[1].contains("户主姓名") && rows[1].contains("<td class=\"n\">1</td>"),
        "{table}"
    );
    // One kind, every row listed: no summary.
    let r = site
        .send(upload(&["A106,620102019999,错村,1,8000,否,,,,否,"]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"row-errors\""), "{}", r.body);
    assert!(!r.body.contains("id=\"error-kinds\""), "{}", r.body);
}

/// Every state-changing route refuses a session cookie without the session's CSRF token.
/// An import's error report is kept with it: listed on the import page of its county with its
/// downloads, readable by the county's other importers and after a restart, the same rows as the
/// import answered; not by a township officer, nor by another county.
#[tokio::test]
async fn an_imports_error_report_is_kept_for_its_county() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let (ct, body) = multipart(&[(
        "households",
        "户.csv",
        &csv(
            H_HEADER,
            &[
                "A101,620102010202,孙强,3,8000,否,,,,否,",
                "A102,620102019999,错村,1,8000,否,,,,否,",
                "A103,620102010202,,1,8000,否,,,,否,",
            ],
        ),
    )]);
    let r = site
        .send(
            Request::post(format!("/import?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = site.app().store().imports(Scope::All, 1).await.unwrap()[0].id;
    assert!(r.body.contains(&format!("第{id}次导入")), "{}", r.body);
    // The rows not taken, as the file had them, for the one who imported them.
    assert!(
        r.body.contains(&format!(
            "href=\"/imports/{id}/rejected-rows\" id=\"rejected-rows-xlsx\""
        )),
        "{}",
        r.body
    );
    let (status, _, bytes) = site
        .get_bytes(&format!("/imports/{id}/rejected-rows"), &admin)
        .await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("户").unwrap();
        let keys: Vec<String> = range.rows().skip(2).map(|r| r[0].to_string()).collect();
        assert_eq!(keys, ["A102", "A103"]);
    }
    let fetched = site
        .app()
        .accounts()
        .audit_chain(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "rejected_rows")
        .count();
    assert_eq!(fetched, 1, "the fetch is audited");
    // Not another importer of the county; not after a restart (held in memory only).
    let officer = site.login("a_officer").await;
    let r = site
        .get(&format!("/imports/{id}/rejected-rows"), Some(&officer))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("只有导入者本人"), "{}", r.body);
    let restarted = zhenxing_web::router(AppState::new(site.app().clone(), false));
    let resp = restarted
        .clone()
        .oneshot(
            Request::get(format!("/imports/{id}/rejected-rows"))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Listed with its downloads.
    let list = site.get("/import", Some(&admin)).await;
    assert!(
        list.body.contains("id=\"import-list\"")
            && list
                .body
                .contains(&format!("/imports/{id}/errors?format=xlsx"))
            && list.body.contains("户.csv"),
        "{}",
        list.body
    );
    // Another importer of the county reads it, after a restart of the server.
    let csv_report = {
        use http_body_util::BodyExt;
        let resp = restarted
            .clone()
            .oneshot(
                Request::get(format!("/imports/{id}/errors?format=csv"))
                    .header(header::COOKIE, format!("zx_session={}", officer.cookie))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8_lossy(&bytes).to_string()
    };
    let lines: Vec<&str> = csv_report.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "文件,工作表,行号,列,内容,原因,错误代码");
    assert_eq!(lines.len(), 3, "{csv_report}");
    assert!(lines[1].starts_with("户.csv,,3,"), "{csv_report}");
    assert!(lines[1].contains("620102019999"), "{csv_report}");
    assert!(lines[2].starts_with("户.csv,,4,"), "{csv_report}");
    // The same over the API, paged.
    let token = site.token("a_officer").await;
    let r = site
        .api(Method::GET, &format!("/api/v1/imports/{id}/errors"), &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["import"]["problems"], 2, "{v}");
    assert_eq!(v["import"]["counts"]["households_inserted"], 1, "{v}");
    assert_eq!(v["items"][0]["row"], 3, "{v}");
    assert_eq!(v["items"][1]["row"], 4, "{v}");
    assert!(v["next"].is_null(), "{v}");
    let r = site.api(Method::GET, "/api/v1/imports", &token).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v[0]["id"], id, "{v}");
    // Not a village cadre (who may not import), not a township officer (the import was the
    // county's, wider than the township), not another county.
    let cadre = site.login("a_cadre").await;
    let r = site
        .get(&format!("/imports/{id}/errors"), Some(&cadre))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let township = site.login("a_township").await;
    let r = site
        .get(&format!("/imports/{id}/errors"), Some(&township))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let other = site.login("b_admin").await;
    let r = site
        .get(&format!("/imports/{id}/errors"), Some(&other))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let b_list = site.get("/import", Some(&other)).await;
    assert!(
        !b_list.body.contains(&format!("/imports/{id}/")),
        "{}",
        b_list.body
    );
}

/// The API's answer to an import lists the first 500 refused rows and says where the rest
/// begin in the kept report: a province's ledger refused whole would otherwise be answered with
/// every row of it.
#[tokio::test]
async fn an_api_imports_answer_lists_the_first_refused_rows_and_where_the_rest_begin() {
    let site = Site::new().await;
    let rows: Vec<String> = (0..520)
        .map(|i| format!("C{i:04},620102019999,错村{i},1,8000,否,,,,否,"))
        .chain(["C9999,620102010202,周全,1,8000,否,,,,否,".to_string()])
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let token = site.token("a_admin").await;
    let upload = multipart(&[("households", "多错.csv", &csv(H_HEADER, &rows))]);
    let v = site.api_upload("/api/v1/imports", &token, upload).await;
    assert_eq!(v["counts"]["households_inserted"], 1, "{v}");
    assert_eq!(v["errors_total"], 520);
    assert_eq!(
        v["error_kinds"],
        serde_json::json!([{
            "file": "多错.csv",
            "column": "所在村代码",
            "code": "unknown_area_code",
            "count": 520,
            "example": "区划代码620102019999不在区划库中"
        }]),
        "{v}"
    );
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 500);
    // Data rows start on line 2: the first refused row is line 2, the 500th line 501.
    assert_eq!(
        (&errors[0]["row"], &errors[499]["row"]),
        (&2.into(), &501.into())
    );
    let (id, next) = (&v["import_id"], &v["errors_next"]);
    let rest = site
        .kept_rows(&format!("/api/v1/imports/{id}/errors?after={next}"), &token)
        .await;
    assert_eq!(rest, (502..=521).collect::<Vec<u64>>());
    // A few refused rows: all of them, nothing to follow. The call names its work with a
    // token of its own; while it runs and ten minutes after, its caller alone reads how far it is.
    const WORK: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    let upload = multipart(&[("households", "x.csv", &foreign_ledger())]);
    let v = site
        .api_upload(&format!("/api/v1/imports?progress={WORK}"), &token, upload)
        .await;
    assert_eq!(v["errors_total"], 1, "{v}");
    assert_eq!(v["errors"].as_array().unwrap().len(), 1, "{v}");
    assert!(v["errors_next"].is_null(), "{v}");
    // The rows not taken, as the file had them, for the caller to correct and send again.
    let id = v["import_id"].as_i64().unwrap();
    let url = format!("/api/v1/imports/{id}/rejected-rows");
    assert_eq!(v["rejected_rows"], url.as_str(), "{v}");
    let (status, headers, bytes) = site
        .send_raw(
            Request::get(&url)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"),
        "{headers:?}"
    );
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&sheet).unwrap();
        assert_eq!(range.rows().skip(2).count(), 1, "the one row refused");
    }
    let other = site.token("a_officer").await;
    let r = site.api(Method::GET, &url, &other).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "only for who imported");
    let r = site
        .api(Method::GET, &format!("/api/v1/progress/{WORK}"), &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(p["finished"], true, "{p}");
    assert!(
        p["phase"].as_str().unwrap().starts_with("写入数据库"),
        "the last phase: {p}"
    );
    assert!(p["text"].as_str().unwrap().starts_with("已完成"), "{p}");
    // Another user, the same token: no such work; a token the board does not take: none either
    // (the import itself goes on).
    let other = site.token("a_officer").await;
    let r = site
        .api(Method::GET, &format!("/api/v1/progress/{WORK}"), &other)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let upload = multipart(&[("households", "x.csv", &foreign_ledger())]);
    let v = site
        .api_upload("/api/v1/imports?progress=NOT-A-TOKEN", &token, upload)
        .await;
    assert_eq!(v["errors_total"], 1, "{v}");
    let r = site
        .api(Method::GET, "/api/v1/progress/NOT-A-TOKEN", &token)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

/// An import from the command line is confined to no area: it is recorded under the smallest
/// area holding its rows, and listed to the importers of that area and above, not to another
/// county's.
#[tokio::test]
async fn a_command_line_import_is_listed_to_the_area_of_its_rows() {
    let site = Site::new().await;
    let h = site.env.write(
        "县A台账.csv",
        csv(
            H_HEADER,
            &[
                "A201,620102010202,钱进,1,8000,否,,,,否,",
                "A202,620102019999,错村,1,8000,否,,,,否,",
            ],
        ),
    );
    let report = site.env.import(Some(&h), None).await.unwrap();
    let id = report.import_id.unwrap();
    let record = site
        .app()
        .store()
        .import(Scope::All, id)
        .await
        .unwrap()
        .unwrap();
    // Its rows lie in one village (the refused row's village is not in the tree).
    assert_eq!(
        record.scope.map(|a| a.to_string()).as_deref(),
        Some("620102010202")
    );
    // The set-up's import held rows of both counties: the province's.
    let setup = site
        .app()
        .store()
        .import(Scope::All, id - 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        setup.scope.map(|a| a.to_string()).as_deref(),
        Some("620000000000")
    );
    let link = format!("/imports/{id}/errors?format=xlsx");
    let setup_link = format!("/imports/{}/errors?format=xlsx", id - 1);
    let a = site.login("a_admin").await;
    let list = site.get("/import", Some(&a)).await;
    assert!(
        list.body.contains(&link) && list.body.contains("县A台账.csv"),
        "{}",
        list.body
    );
    assert!(!list.body.contains(&setup_link), "{}", list.body);
    let r = site
        .get(&format!("/imports/{id}/errors?format=csv"), Some(&a))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("620102019999"), "{}", r.body);
    let token = site.token("a_officer").await;
    let r = site.api(Method::GET, "/api/v1/imports", &token).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v[0]["id"], id, "{v}");
    assert_eq!(v[0]["area"], "620102010202", "{v}");
    // Within the province: both (its administrator does not import, so reads no list).
    let province = Scope::Area(AreaCode::parse("620000000000").unwrap());
    let listed: Vec<i64> = site
        .app()
        .store()
        .imports(province, 10)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, [id, id - 1]);
    let b = site.login("b_admin").await;
    let list = site.get("/import", Some(&b)).await;
    assert!(
        !list.body.contains(&link) && !list.body.contains(&setup_link),
        "{}",
        list.body
    );
    let r = site
        .get(&format!("/imports/{id}/errors?format=csv"), Some(&b))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn state_changing_requests_need_the_csrf_token() {
    let site = Site::new().await;
    let s = site.login("a_admin").await;
    let a_user = site
        .app()
        .user_by_name(Manager::CommandLine, "a_cadre")
        .await
        .unwrap();
    for spec in zhenxing_web::routes::specs() {
        if !matches!(spec.method, "POST" | "PUT" | "PATCH") || spec.path == "/login" {
            continue;
        }
        let uri = spec
            .path
            .replace("{no}", "A001")
            .replace("{id}", &a_user.id.to_string())
            .replace("{province}", "62")
            .replace("{year}", "2025")
            .replace("{at}", "1");
        for token in [None, Some("0".repeat(64))] {
            let mut fields = vec![("label", "x")];
            if let Some(t) = &token {
                fields.push(("csrf", t.as_str()));
            }
            let r = if matches!(spec.method, "PUT" | "PATCH") {
                let body = serde_urlencoded::to_string(&fields).unwrap();
                site.send(
                    Request::builder()
                        .method(spec.method)
                        .uri(&uri)
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .header(header::COOKIE, format!("zx_session={}", s.cookie))
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await
            } else {
                site.post_form(&uri, Some(&s), &fields, false).await
            };
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "POST {uri} with csrf {token:?}: {}",
                r.body
            );
            assert!(r.body.contains("页面已过期"), "{}", r.body);
        }
    }
    // Nothing happened: no reveal, no reset, no disable.
    let actions = site.audit_actions().await;
    assert!(
        actions
            .iter()
            .all(|(_, a, _)| a == "login" || a == "user_create"),
        "{actions:?}"
    );
    // With the token it goes through.
    let r = site
        .post_form("/households/A001/reveal", Some(&s), &[], true)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // A Bearer token needs no CSRF token, but a cookie on the API does.
    let (ct, body) = multipart(&[("households", "x.csv", &foreign_ledger())]);
    let r = site
        .send(
            Request::post("/api/v1/imports")
                .header(header::COOKIE, format!("zx_session={}", s.cookie))
                .header(header::CONTENT_TYPE, ct.clone())
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("\"code\":\"csrf\""), "{}", r.body);
    let token = site.token("a_admin").await;
    let r = site
        .send(
            Request::post("/api/v1/imports")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn login_issues_a_new_session_and_logout_ends_it() {
    let site = Site::new().await;
    // A session id planted in the browser before login is not taken over.
    let planted = "a".repeat(64);
    let page = site.get("/login", None).await;
    let form = serde_urlencoded::to_string([
        ("name", "a_admin"),
        ("password", PASSWORD),
        ("csrf", &csrf_of(&page.body)),
        ("next", "/"),
    ])
    .unwrap();
    let r = site
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(
                    header::COOKIE,
                    format!(
                        "zx_session={planted}; zx_login={}",
                        page.cookie("zx_login").unwrap()
                    ),
                )
                .body(Body::from(form))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let issued = r.cookie("zx_session").unwrap();
    assert_ne!(issued, planted);
    assert_eq!(issued.len(), 64);
    let set = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http: no Secure flag");
    let planted_session = Session {
        cookie: planted,
        csrf: String::new(),
    };
    assert_eq!(
        site.get("/", Some(&planted_session)).await.status,
        StatusCode::SEE_OTHER
    );
    // Two logins, two sessions.
    let s1 = site.login("a_admin").await;
    let s2 = site.login("a_admin").await;
    assert_ne!(s1.cookie, s2.cookie);
    assert_ne!(s1.csrf, s2.csrf);
    // The login form's own token is required.
    let r = site
        .post_form(
            "/login",
            None,
            &[("name", "a_admin"), ("password", PASSWORD)],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.cookie("zx_session").is_none());
    // Logout ends the session on the server, not only in the browser.
    let r = site.post_form("/logout", Some(&s1), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login");
    assert!(
        site.get("/", Some(&s1))
            .await
            .location()
            .starts_with("/login")
    );
    assert_eq!(
        site.get("/", Some(&s2)).await.location(),
        format!("/areas/{COUNTY_A}")
    );
    // Disabling a user ends their sessions; resetting a password too.
    let admin = site.login("a_admin").await;
    let cadre = site.login("a_cadre").await;
    let cadre_id = site
        .app()
        .user_by_name(Manager::CommandLine, "a_cadre")
        .await
        .unwrap()
        .id;
    let r = site
        .post_form(
            &format!("/users/{cadre_id}/disable"),
            Some(&admin),
            &[],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        site.get("/", Some(&cadre))
            .await
            .location()
            .starts_with("/login")
    );
    assert_eq!(
        site.try_login("a_cadre", PASSWORD, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Served over https, cookies are Secure.
    let secure = zhenxing_web::router(AppState::new(site.app().clone(), true));
    let r = secure
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let set = r
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(set.contains("; Secure"), "{set}");
}

#[tokio::test]
async fn login_attempts_are_limited_per_account_and_per_address() {
    let site = Site::new().await;
    for i in 0..5 {
        let r = site
            .try_login("a_admin", "wrong-password", Some("10.0.0.1"))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        assert!(r.body.contains("用户名或密码错误"));
    }
    // The account is locked, even with the right password and from elsewhere.
    let r = site.try_login("a_admin", PASSWORD, Some("10.0.0.2")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("登录失败次数过多"), "{}", r.body);
    assert!(r.cookie("zx_session").is_none());
    // Another account is not.
    assert_eq!(
        site.try_login("a_officer", PASSWORD, Some("10.0.0.1"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // One address trying many names is stopped too (20 failures).
    for i in 0..15 {
        let r = site
            .try_login(&format!("nobody{i}"), "x", Some("10.0.0.1"))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(
        site.try_login("a_cadre", PASSWORD, Some("10.0.0.1"))
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        site.try_login("a_cadre", PASSWORD, Some("10.0.0.3"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // An unknown name and a wrong password get the same answer.
    let unknown = site.try_login("nobody", "x", Some("10.0.0.9")).await;
    let wrong = site.try_login("b_admin", "x", Some("10.0.0.9")).await;
    assert_eq!(
        (unknown.status, wrong.status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
}

#[tokio::test]
async fn personal_data_is_masked_and_every_whole_view_is_audited() {
    let site = Site::new().await;
    let wang = zhenxing_domain::IdNumber::parse(&site.wang_id).unwrap();
    let cadre = site.login("a_cadre").await;
    // Lists and the detail show masked numbers.
    let r = site.get("/households/A001", Some(&cadre)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&wang.masked()), "{}", r.body);
    assert!(!r.body.contains(&site.wang_id));
    assert!(r.body.contains("显示完整身份证号和电话"));
    let before = site.audit_actions().await.len();
    // Asking to see them whole: shown, and audited.
    let r = site
        .post_form("/households/A001/reveal", Some(&cadre), &[], true)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(&site.wang_id) && r.body.contains(&site.zhang_id),
        "{}",
        r.body
    );
    let actions = site.audit_actions().await;
    assert_eq!(actions.len(), before + 1);
    assert_eq!(
        actions[0],
        (
            "a_cadre".to_string(),
            "reveal_personal_data".to_string(),
            "household:A001".to_string()
        )
    );
    // A role that may not see them whole is refused, and nothing is logged as seen.
    let province = site.login("province").await;
    let r = site.get("/households/A001", Some(&province)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("显示完整身份证号和电话"));
    let r = site
        .post_form("/households/A001/reveal", Some(&province), &[], true)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains(&site.wang_id));
    assert_eq!(
        site.audit_actions().await.len(),
        before + 2,
        "only the province admin's login was added"
    );
    // The API: masked by default; whole only with a token and a role that may.
    let token = site.token("a_cadre").await;
    let r = site
        .api(Method::GET, "/api/v1/households/A001", &token)
        .await;
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(json["members"][0]["id_number"], wang.masked());
    assert_eq!(json["revealed"], false);
    let r = site
        .api(Method::GET, "/api/v1/households/A001?reveal=true", &token)
        .await;
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(json["members"][0]["id_number"], site.wang_id.as_str());
    let r = site
        .get("/api/v1/households/A001?reveal=true", Some(&cadre))
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a cookie may not reveal over GET"
    );
    let reveals = site
        .audit_actions()
        .await
        .iter()
        .filter(|(_, a, _)| a == "reveal_personal_data")
        .count();
    assert_eq!(reveals, 2);
    // The auditor of the county reads the entries; the chain holds.
    let auditor = site.login("a_auditor").await;
    let r = site.get("/audit", Some(&auditor)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("查看完整身份证号和电话") && r.body.contains("household:A001"),
        "{}",
        r.body
    );
    let check = site.app().verify_audit().await.unwrap();
    assert_eq!(check.broken_at, None);
    assert_eq!(check.entries as usize, site.audit_actions().await.len());
}

#[tokio::test]
async fn households_are_found_by_id_name_or_number_and_paged_by_cursor() {
    let site = Site::new().await;
    let rows: Vec<String> = (0..120)
        .map(|i| format!("P{i:03},620102010202,马{i},1,9000,否,,,,否,"))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let h = site.env.write("many.csv", csv(H_HEADER, &rows));
    site.env.import(Some(&h), None).await.unwrap();
    let token = site.token("a_officer").await;
    let get = |uri: String| {
        let site = &site;
        let token = token.clone();
        async move {
            let r = site.api(Method::GET, &uri, &token).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap()
        }
    };
    let nos = |j: &serde_json::Value| {
        j["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["no"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // By a member's ID number, by name (head or member, a prefix), by number.
    assert_eq!(
        nos(&get(format!("/api/v1/households?q={}", site.zhang_id)).await),
        ["A001"]
    );
    assert_eq!(
        nos(&get(format!("/api/v1/households?q={}", urlencoding("张红"))).await),
        ["A001"]
    );
    assert_eq!(
        nos(&get(format!("/api/v1/households?q={}", urlencoding("王"))).await),
        ["A001"]
    );
    assert_eq!(
        nos(&get("/api/v1/households?q=A002".into()).await),
        ["A002"]
    );
    assert_eq!(
        nos(&get(format!("/api/v1/households?q={}", site.li_id)).await),
        Vec::<String>::new()
    );
    // Filters.
    assert_eq!(
        nos(&get("/api/v1/households?category=any".into()).await),
        ["A001"]
    );
    assert_eq!(
        nos(&get("/api/v1/households?risk=1&eliminated=no".into()).await),
        ["A001"]
    );
    assert_eq!(
        get("/api/v1/households?type=2".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Every household once, in order, page after page.
    let mut seen = Vec::new();
    let mut uri = "/api/v1/households?area=620102010202&limit=50".to_string();
    loop {
        let j = get(uri.clone()).await;
        seen.extend(nos(&j));
        match j["next_page"].as_str() {
            Some(next) => {
                uri = format!(
                    "/api/v1/households?area=620102010202&limit=50&page={}",
                    urlencoding(next)
                )
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 121);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    // A page that is not a cursor is a client error, in Chinese, with a stable code.
    let r = site
        .api(Method::GET, "/api/v1/households?page=bogus", &token)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e["code"], "invalid");
    assert!(e["message"].as_str().unwrap().contains("分页"));
    // The page and its htmx fragment.
    let s = site.login("a_officer").await;
    let full = site.get("/households?area=620102010202", Some(&s)).await;
    assert!(full.body.contains("<html") && full.body.contains("下一页"));
    let req = Request::get("/households?area=620102010202")
        .header(header::COOKIE, format!("zx_session={}", s.cookie))
        .header("HX-Request", "true")
        .body(Body::empty())
        .unwrap();
    let partial = site.send(req).await;
    assert!(
        !partial.body.contains("<html") && partial.body.contains("household-list"),
        "{}",
        partial.body
    );
}

#[tokio::test]
async fn api_answers_areas_stats_and_its_own_description() {
    let site = Site::new().await;
    let token = site.token("a_admin").await;
    let r = site.api(Method::GET, "/api/v1/areas/620102", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        (
            j["name"].as_str(),
            j["counts"]["households"].as_u64(),
            j["counts"]["persons"].as_u64()
        ),
        (Some("城关区"), Some(2), Some(2))
    );
    let fulongping = j["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "620102010000")
        .unwrap();
    assert_eq!(fulongping["counts"]["households"], 2);
    let r = site
        .api(
            Method::GET,
            "/api/v1/stats?area=620102010000&depth=village",
            &token,
        )
        .await;
    let rows: Vec<serde_json::Value> = serde_json::from_str(&r.body).unwrap();
    assert_eq!(rows[0]["code"], "620102010000");
    assert!(
        rows.iter()
            .any(|r| r["code"] == V1 && r["counts"]["monitored_households"] == 1)
    );
    let r = site
        .api(Method::GET, "/api/v1/households/NOPE", &token)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.body,
        r#"{"code":"not_found","message":"未找到，或不在您的管辖范围内"}"#
    );
    let r = site.api(Method::GET, "/api/v1/me", "zx_notatoken").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The document lists every API route of the table.
    let doc: serde_json::Value =
        serde_json::from_str(&site.get("/api/v1/openapi.json", None).await.body).unwrap();
    for spec in zhenxing_web::routes::specs() {
        if spec.access == Access::Api {
            let method = spec.method.to_lowercase();
            assert!(
                doc["paths"][spec.path][&method].is_object(),
                "{} {} is not documented",
                spec.method,
                spec.path
            );
        }
    }
    // Swagger UI and htmx are served from the binary.
    let docs = site.get("/api/docs", None).await;
    assert!(
        docs.body
            .contains("/assets/vendor/swagger-ui/swagger-ui-bundle.js")
    );
    for asset in [
        "/assets/vendor/swagger-ui/swagger-ui-bundle.js",
        "/assets/vendor/htmx/htmx.min.js",
        "/assets/vendor/echarts/echarts.min.js",
        "/assets/app.css",
    ] {
        let r = site.get(asset, None).await;
        assert_eq!(r.status, StatusCode::OK, "{asset}");
        assert!(r.body.len() > 1000, "{asset}");
    }
    // No page refers to anything outside the server.
    let s = site.login("a_admin").await;
    // The area page leads to its registry check.
    assert!(
        site.get("/areas/620102", Some(&s))
            .await
            .body
            .contains("href=\"/registry-checks?area=620102000000\"")
    );
    for page in [
        "/login",
        "/areas/620102",
        "/households",
        "/households/A001",
        "/import",
        "/users",
        "/tokens",
        "/api/docs",
    ] {
        let body = site.get(page, Some(&s)).await.body;
        for attr in [
            "src=\"http",
            "href=\"http",
            "src=\"//",
            "href=\"//",
            "url(http",
        ] {
            assert!(!body.contains(attr), "{page} loads from elsewhere: {attr}");
        }
    }
}

#[tokio::test]
async fn administrators_manage_users_within_their_area_and_rank() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    // A village cadre in the county, with a generated password shown once.
    let r = site
        .post_form(
            "/users",
            Some(&admin),
            &[
                ("name", "new_cadre"),
                ("role", "village_cadre"),
                ("area", V2),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret = r
        .body
        .split("初始密码：")
        .nth(1)
        .unwrap()
        .chars()
        .take(12)
        .collect::<String>();
    assert_eq!(
        site.try_login("new_cadre", &secret, None).await.status,
        StatusCode::SEE_OTHER
    );
    // Not a role at the wrong level, not another county admin, not a name twice.
    let r = site
        .post_form(
            "/users",
            Some(&admin),
            &[
                ("name", "x1"),
                ("role", "village_cadre"),
                ("area", COUNTY_A),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("所属区划应为村(社区)级"), "{}", r.body);
    let r = site
        .post_form(
            "/users",
            Some(&admin),
            &[("name", "x2"), ("role", "county_admin"), ("area", COUNTY_A)],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = site
        .post_form(
            "/users",
            Some(&admin),
            &[
                ("name", "new_cadre"),
                ("role", "village_cadre"),
                ("area", V2),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("已被使用"));
    // Non-administrators see no user list.
    let officer = site.login("a_officer").await;
    assert_eq!(
        site.get("/users", Some(&officer)).await.status,
        StatusCode::FORBIDDEN
    );
    // Every change is in the audit log.
    let actions = site.audit_actions().await;
    assert!(
        actions
            .iter()
            .any(|(who, what, _)| who == "a_admin" && what == "user_create")
    );
    let r = site
        .app()
        .add_user(
            Manager::User(&caller(&site, "a_admin").await),
            AddUser {
                name: "b_spy".into(),
                role: Role::VillageCadre,
                area: AreaCode::parse(VILLAGE_B).unwrap(),
                password: None,
            },
        )
        .await;
    assert!(matches!(r, Err(AppError::UnknownArea(_))), "{r:?}");
}

async fn clue_count(site: &Site, token: &str) -> usize {
    let r = site
        .send(
            Request::get("/api/v1/monitoring/clues")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    v.as_array().expect("a list of clues").len()
}

/// Bodies larger than their route takes are refused with `too_large` and a Chinese message (JSON
/// on the API, a page in the browser), a declared length above every limit before the body is
/// read, and nothing is written.
#[tokio::test]
async fn oversized_bodies_are_refused_with_a_clear_error() {
    let site = Site::new().await;
    let token = site.token("a_officer").await;
    let clues_before = site.get("/api/v1/monitoring/clues", None).await.status;
    assert_eq!(clues_before, StatusCode::UNAUTHORIZED);
    let before = clue_count(&site, &token).await;
    let check_json = |r: &Response, what: &str| {
        assert_eq!(
            r.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{what}: {}",
            r.body
        );
        let v: serde_json::Value = serde_json::from_str(&r.body)
            .unwrap_or_else(|_| panic!("{what}: not JSON: {}", r.body));
        assert_eq!(v["code"], "too_large", "{what}");
        assert!(
            v["message"].as_str().unwrap().contains("过大"),
            "{what}: {v}"
        );
    };
    // A 3 MB JSON clue (the API's JSON bodies take 2 MB).
    let big =
        serde_json::json!({"household": "A001", "risks": ["因病"], "note": "长".repeat(1_000_000)});
    let r = site
        .send(
            Request::post("/api/v1/monitoring/clues")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(big.to_string()))
                .unwrap(),
        )
        .await;
    check_json(&r, "3 MB clue");
    // A visit with 25 MB of photos (visits take 20 MB).
    let photo = vec![0xffu8; 25 * 1024 * 1024];
    let (ct, body) = crate::web_monitoring::multipart_body(
        &[("visited_on", "2025-01-01")],
        &[("photos", "a.jpg", &photo)],
    );
    let r = site
        .send(
            Request::post("/api/v1/monitoring/households/A001/visits")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    check_json(&r, "25 MB visit");
    // A declared 600 MB import is refused before its body is read.
    let r = site
        .send(
            Request::post("/api/v1/imports")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .header(header::CONTENT_LENGTH, (600u64 << 20).to_string())
                .body(Body::from("--x--\r\n"))
                .unwrap(),
        )
        .await;
    check_json(&r, "declared 600 MB");
    // In the browser: a form too large to read gets a page saying so.
    let officer = site.login("a_officer").await;
    let note = "长".repeat(1_000_000);
    let r = site
        .post_form(
            "/monitoring/clues",
            Some(&officer),
            &[("household", "A001"), ("risks", "1"), ("note", &note)],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(
        r.body.contains("过大") && r.body.contains("<html"),
        "{}",
        r.body
    );
    assert_eq!(
        clue_count(&site, &token).await,
        before,
        "an oversized body wrote a clue"
    );
}

/// Every page, API answer and export a user of county A can reach, walked route by route for
/// each role, with no whole ID number or phone anywhere unless the user asked to reveal them
/// (which is audited and tested above). xlsx answers are read cell by cell.
#[tokio::test]
async fn no_route_shows_a_whole_id_number_or_phone_unasked() {
    let site = Site::new().await;
    let a9_id = id("620102", "19660606", 67);
    let phone = "13987654321";
    let h = site.env.write(
        "h9.csv",
        csv(
            &format!("{H_HEADER},联系电话"),
            &[&format!("A009,{V1},钱多,1,5000,否,,,,否,,{phone}")],
        ),
    );
    let m = site.env.write(
        "m9.csv",
        csv(
            M_HEADER,
            &[&format!("9,A009,{a9_id},钱多,男,1966-06-06,户主,患有大病")],
        ),
    );
    let imported = site.env.import(Some(&h), Some(&m)).await.unwrap();
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    let import_id = imported.import_id.unwrap();
    // A case, a department screening and an issued report of county A.
    let cadre = site.login("a_cadre").await;
    let r = site
        .post_form(
            "/monitoring/clues",
            Some(&cadre),
            &[("household", "A009"), ("risks", "1")],
            true,
        )
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
    let officer = crate::web_monitoring::user_caller(&site, "a_officer").await;
    let list = site.get("/monitoring/cases", Some(&cadre)).await;
    let at =
        list.body.find("/monitoring/cases/").expect("A009's case") + "/monitoring/cases/".len();
    let case: i64 = list.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("残联.csv");
    std::fs::write(
        &file,
        format!(
            "证件号码,残疾类别,残疾等级,发证日期\n{a9_id},肢体,一级,{}\n",
            zhenxing_domain::today_in_china()
        ),
    )
    .unwrap();
    let screening = site
        .app()
        .screen(
            &officer.monitoring(),
            &zhenxing_app::monitoring::screening::ScreeningRequest {
                kind: "disability".into(),
                file,
                area: None,
                found_on: zhenxing_domain::today_in_china(),
                source: None,
            },
        )
        .await
        .unwrap()
        .screening
        .id;
    let admin = crate::web_monitoring::user_caller(&site, "a_admin").await;
    let report = site
        .app()
        .issue_report_as(&admin, AreaCode::parse(COUNTY_A).unwrap(), None)
        .await
        .unwrap()
        .issued
        .unwrap()
        .id;
    let year = chrono::Datelike::year(&zhenxing_domain::today_in_china()).to_string();
    let secrets = [
        site.wang_id.clone(),
        site.zhang_id.clone(),
        a9_id.clone(),
        phone.to_string(),
    ];
    let a9_masked = zhenxing_domain::IdNumber::parse(&a9_id).unwrap().masked();
    let (mut walked, mut shown_masked) = (0, 0);
    for who in [
        "a_admin",
        "a_officer",
        "a_cadre",
        "a_township",
        "a_auditor",
        "province",
    ] {
        let session = site.login(who).await;
        let token = site.token(who).await;
        for spec in zhenxing_web::routes::specs() {
            if spec.method != "GET" || spec.path.contains("{seq}") || spec.path.contains("{*") {
                continue;
            }
            let id = if spec.path.contains("/imports/") {
                import_id
            } else if spec.path.contains("/cases/") {
                case
            } else if spec.path.contains("/screening") {
                screening
            } else {
                report
            };
            let mut uri = spec
                .path
                .replace("{no}", "A009")
                .replace("{code}", COUNTY_A)
                .replace("{village}", V1)
                .replace("{id}", &id.to_string())
                .replace("{province}", "62")
                .replace("{year}", &year);
            if spec.path == "/households" || spec.path == "/api/v1/households" {
                uri.push_str("?q=A009");
            }
            let mut req = Request::get(&uri);
            req = if spec.path.starts_with("/api/") {
                req.header(header::AUTHORIZATION, format!("Bearer {token}"))
            } else {
                req.header(header::COOKIE, format!("zx_session={}", session.cookie))
            };
            let resp = {
                use tower::ServiceExt;
                site.router
                    .clone()
                    .oneshot(req.body(Body::empty()).unwrap())
                    .await
                    .unwrap()
            };
            let status = resp.status();
            let is_xlsx = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.to_str().unwrap_or("").contains("spreadsheetml"));
            let bytes = {
                use http_body_util::BodyExt;
                resp.into_body()
                    .collect()
                    .await
                    .unwrap()
                    .to_bytes()
                    .to_vec()
            };
            let text = if is_xlsx {
                xlsx_text(&bytes)
            } else {
                String::from_utf8_lossy(&bytes).to_string()
            };
            for s in &secrets {
                assert!(
                    !text.contains(s.as_str()),
                    "{who} GET {uri} ({status}) shows {s} whole"
                );
            }
            if status.is_success() {
                walked += 1;
            }
            if text.contains(&a9_masked) {
                shown_masked += 1;
            }
        }
    }
    // The walk reached the pages with the data: not a test of error pages.
    assert!(walked > 150, "only {walked} answers were successful");
    assert!(
        shown_masked >= 12,
        "A009's member shown masked in only {shown_masked} answers"
    );
}

/// Every cell of every sheet of an xlsx, as text.
fn xlsx_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for c in row {
                out.push_str(&c.to_string());
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}

#[tokio::test]
async fn long_links_report_their_progress_and_exports_are_sent_as_read() {
    // An export or a province's registry check takes seconds: the area page's links name their
    // work with a token of the page's script's making, and the work reports under it.
    let site = Site::new().await;
    let s = site.login("a_admin").await;
    let page = site.get(&format!("/areas/{COUNTY_A}"), Some(&s)).await.body;
    for id in ["export-ledgers", "export-persons", "registry-check"] {
        let at = page.find(&format!("id=\"{id}\"")).expect(id);
        let tag = &page[at..at + page[at..].find('>').unwrap()];
        assert!(tag.contains("data-progress-out=\"area-progress\""), "{tag}");
    }
    assert!(page.contains("id=\"area-progress\""), "{page}");

    let checked = site
        .get(
            &format!("/registry-checks?area={COUNTY_A}&progress={CHECK_WORK}"),
            Some(&s),
        )
        .await;
    assert_eq!(checked.status, StatusCode::OK);
    let households: u64 = checked
        .body
        .split("<b id=\"checked-households\">")
        .nth(1)
        .and_then(|b| b.split('<').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(households > 0);
    let p: serde_json::Value = serde_json::from_str(
        &site
            .get(&format!("/progress/{CHECK_WORK}"), Some(&s))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(p["phase"], "核查户籍信息", "{p}");
    assert_eq!(p["finished"], true, "{p}");
    assert_eq!(p["done"].as_u64(), Some(households), "{p}");
    // Another user is told there is no such work.
    let b = site.login("b_admin").await;
    let other = site.get(&format!("/progress/{CHECK_WORK}"), Some(&b)).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    let (status, headers, bytes) = site
        .get_bytes(
            &format!("/export?area={COUNTY_A}&layout=persons&progress={EXPORT_WORK}"),
            &s,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_LENGTH].to_str().unwrap(),
        bytes.len().to_string()
    );
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let sheet = book.sheet_names()[0].clone();
    let rows = book.worksheet_range(&sheet).unwrap().rows().count();
    assert!(rows as u64 > households, "a row a person, a header: {rows}");
    let p: serde_json::Value = serde_json::from_str(
        &site
            .get(&format!("/progress/{EXPORT_WORK}"), Some(&s))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(p["phase"], "导出户及成员信息", "{p}");
    assert_eq!(
        (p["finished"].as_bool(), p["done"].as_u64()),
        (Some(true), Some(households)),
        "{p}"
    );
}

const CHECK_WORK: &str = "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1";
const EXPORT_WORK: &str = "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1";

/// A closed household (销户) is shown as such on its page, with why and when, and left out of
/// the household list; the import page counts it.
#[tokio::test]
async fn a_closed_household_says_so_on_its_page() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let (content_type, body) = multipart(&[(
        "households",
        "销户.csv",
        &csv("户编号,销户原因,销户时间", &["A002,整户迁出,2025-09-30"]),
    )]);
    let page = site
        .send(
            Request::post(format!("/import?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("销户1户"), "{}", page.body);
    let page = site.get("/households/A002", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("该户已于2025-09-30销户（整户迁出）"),
        "{}",
        page.body
    );
    assert!(page.body.contains("销户原因（该户已销户）"), "the history");
    assert!(!page.body.contains("id=\"close-household\""), "closed once");
    let list = site
        .get("/households?area=620102000000", Some(&admin))
        .await;
    assert!(list.body.contains("A001") && !list.body.contains("A002"));
    // The county's households closed: a list of their own, each linked to its row here.
    let closed = site
        .get("/households?area=620102000000&status=closed", Some(&admin))
        .await;
    assert_eq!(closed.status, StatusCode::OK);
    assert!(!closed.body.contains(">A001<"), "{}", closed.body);
    assert!(
        closed.body.contains(
            "href=\"/households/A002?county=620102000000\">A002</a> <span class=\"tag\">已销户：整户迁出，2025-09-30</span>"
        ),
        "{}",
        closed.body
    );
    assert!(
        closed
            .body
            .contains("<option value=\"closed\" selected>已销户</option>")
    );
    // Each list as xlsx, every page of it: the county's registered households, then its closed.
    assert!(
        closed
            .body
            .contains("href=\"/households.xlsx?area=620102000000&#38;status=closed\""),
        "{}",
        closed.body
    );
    let sheet_rows = |bytes: Vec<u8>| {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("农户名单").unwrap();
        range
            .rows()
            .skip(2)
            .map(|r| (r[0].to_string(), r[11].to_string()))
            .collect::<Vec<_>>()
    };
    let (status, _, bytes) = site
        .get_bytes("/households.xlsx?area=620102000000", &admin)
        .await;
    assert_eq!(status, StatusCode::OK);
    let open = sheet_rows(bytes);
    assert!(
        open.iter().any(|(no, _)| no == "A001") && !open.iter().any(|(no, _)| no == "A002"),
        "{open:?}"
    );
    let (_, _, bytes) = site
        .get_bytes("/households.xlsx?area=620102000000&status=closed", &admin)
        .await;
    assert_eq!(
        sheet_rows(bytes),
        [("A002".to_string(), "整户迁出（2025-09-30）".to_string())]
    );
    let page = site
        .get("/households/A002?county=620102000000", Some(&admin))
        .await;
    assert!(page.body.contains("该户已于2025-09-30销户（整户迁出）"));
    let wrong = site.get("/households/A002?county=6201", Some(&admin)).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "not a county's code");
    let api = site
        .get(
            "/api/v1/households?area=620102000000&status=closed",
            Some(&admin),
        )
        .await;
    let api: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(api["items"][0]["no"], "A002");
    assert_eq!(api["items"][0]["closed_reason"], "整户迁出");
    assert_eq!(api["items"][0]["closed_on"], "2025-09-30");
    assert_eq!(api["items"][0]["county_code"], "620102000000");
    // The family registered in another county under its number: its row here says so.
    let b_admin = site.login("b_admin").await;
    let (content_type, body) = multipart(&[(
        "households",
        "迁入.csv",
        &csv(
            H_HEADER,
            &[&format!("A002,{VILLAGE_B},迁入户,1,8000,否,,,,否,")],
        ),
    )]);
    let page = site
        .send(
            Request::post(format!("/import?csrf={}", b_admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", b_admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert!(page.body.contains("新增1户"), "{}", page.body);
    let page = site.get("/households/A002", Some(&admin)).await;
    assert!(
        page.body.contains("该户已迁往其他县（区）"),
        "the county it left reaches its row: {}",
        page.body
    );
    let page = site.get("/households/A002", Some(&b_admin)).await;
    assert!(!page.body.contains("household-closed"), "{}", page.body);
    // An open household's page says nothing of it, and offers its closing to who may import.
    let page = site.get("/households/A001", Some(&admin)).await;
    assert!(!page.body.contains("household-closed"));
    assert!(page.body.contains("id=\"close-household\""));
    let cadre = site.login("a_cadre").await;
    let page = site.get("/households/A001", Some(&cadre)).await;
    assert!(
        !page.body.contains("id=\"close-household\""),
        "a cadre may not"
    );
    let refused = site
        .post_form(
            "/households/A001/close",
            Some(&cadre),
            &[("reason", "整户死亡")],
            true,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Closed on its page: a day to come is refused, then the household closes, audited.
    let tomorrow = (zhenxing_domain::today_in_china() + chrono::Days::new(1)).to_string();
    let page = site
        .post_form(
            "/households/A001/close",
            Some(&admin),
            &[("reason", "整户死亡"), ("on", &tomorrow)],
            true,
        )
        .await;
    assert!(page.body.contains("销户时间不能晚于今天"), "{}", page.body);
    assert!(
        site.app()
            .store()
            .household(Scope::All, &HouseholdNo::parse("A001").unwrap())
            .await
            .unwrap()
            .unwrap()
            .closed
            .is_none()
    );
    let page = site
        .post_form(
            "/households/A001/close",
            Some(&admin),
            &[("reason", "整户死亡"), ("on", "2025-10-08")],
            true,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("该户已于2025-10-08销户（整户死亡）"),
        "{}",
        page.body
    );
    let members = site
        .app()
        .store()
        .members(Scope::All, &HouseholdNo::parse("A001").unwrap())
        .await
        .unwrap();
    assert!(members.is_empty(), "its members left with it");
    let again = site
        .post_form(
            "/households/A001/close",
            Some(&admin),
            &[("reason", "整户死亡")],
            true,
        )
        .await;
    assert!(again.body.contains("该户已经销户"), "{}", again.body);
    let entries = site
        .app()
        .accounts()
        .audit_entries(Scope::All, None, 50)
        .await
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "close_household" && e.subject == "household:A001"),
        "audited"
    );
}

/// A household corrected on its page (修改农户信息) by who may import: written as a ledger's row
/// would be, the previous values in its history, audited; a wrong value told on the form as
/// typed; a change made since the form was read not overwritten; a cadre refused.
#[tokio::test]
async fn a_household_is_corrected_on_its_page() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let page = site.get("/households/A001", Some(&admin)).await;
    assert!(
        page.body.contains("href=\"/households/A001/edit\""),
        "{}",
        page.body
    );
    let form = site.get("/households/A001/edit", Some(&admin)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let stored = |site: &Site| {
        let app = site.app().clone();
        async move {
            app.store()
                .household(Scope::All, &HouseholdNo::parse("A001").unwrap())
                .await
                .unwrap()
                .unwrap()
        }
    };
    let before = stored(&site).await;
    let version = before.version.to_string();
    assert!(
        form.body
            .contains(&format!("name=\"version\" value=\"{version}\""))
    );
    let size = before.household.size.to_string();
    assert!(form.body.contains(&format!(
        "id=\"edit-size\" min=\"1\" max=\"30\" value=\"{size}\""
    )));

    // A wrong amount: nothing written, the form again with what was typed.
    let refused = site
        .post_form(
            "/households/A001/edit",
            Some(&admin),
            &[("version", &version), ("size", &size), ("wage", "十元")],
            true,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("未保存：工资性收入："),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"十元\""));
    assert_eq!(stored(&site).await.version, before.version);

    // Saved: the household's page, its history holding the previous values.
    let saved = site
        .post_form(
            "/households/A001/edit",
            Some(&admin),
            &[
                ("version", &version),
                ("size", &size),
                ("wage", "12,345.60"),
                ("uninsured", "1"),
                ("address", "汉王镇汉王街12号"),
            ],
            true,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/households/A001");
    let after = stored(&site).await;
    assert_eq!(after.version, before.version + 1);
    assert_eq!(
        after.household.income.wage,
        Some(zhenxing_domain::Money::from_fen(1_234_560))
    );
    assert!(after.household.uninsured);
    assert_eq!(after.household.address.as_deref(), Some("汉王镇汉王街12号"));
    assert_eq!(
        after.household.phone, before.household.phone,
        "left empty: kept"
    );
    assert_eq!(after.household.monitoring, before.household.monitoring);
    let page = site.get("/households/A001", Some(&admin)).await;
    let was = before
        .household
        .income
        .wage
        .map(|m| m.yuan_string())
        .unwrap_or_default();
    assert!(
        page.body.contains(&format!(
            "<td>工资性收入</td><td>{was}</td><td>12345.60</td>"
        )),
        "the history in yuan: {}",
        page.body
    );
    let audited: Vec<String> = site
        .app()
        .accounts()
        .audit_chain(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "edit_household")
        .map(|e| e.after)
        .collect();
    assert_eq!(audited.len(), 1);
    assert!(
        audited[0].contains("工资性收入") && !audited[0].contains("12345"),
        "{}",
        audited[0]
    );

    // The same form sent again (read before the save): refused, the save not overwritten.
    let stale = site
        .post_form(
            "/households/A001/edit",
            Some(&admin),
            &[("version", &version), ("size", &size), ("wage", "1")],
            true,
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("已被修改（现为第"), "{}", stale.body);
    assert_eq!(
        stored(&site).await.household.income.wage,
        Some(zhenxing_domain::Money::from_fen(1_234_560))
    );

    // Nothing changed: nothing written.
    let again = site.get("/households/A001/edit", Some(&admin)).await;
    let fields: Vec<(String, String)> = [
        "version",
        "head_name",
        "size",
        "wage",
        "address",
        "natural_village",
        "relocation_site",
        "income_year",
        "business",
        "property",
        "transfer",
        "production_cost",
        "claims",
        "compliant_out_of_pocket",
    ]
    .iter()
    .map(|name| {
        let at = again.body.find(&format!("name=\"{name}\"")).unwrap();
        let rest = &again.body[at..];
        let v = rest.find("value=\"").unwrap() + 7;
        let end = rest[v..].find('"').unwrap();
        (name.to_string(), rest[v..v + end].to_string())
    })
    .chain([("uninsured".to_string(), "1".to_string())])
    .collect();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let unchanged = site
        .post_form("/households/A001/edit", Some(&admin), &fields, true)
        .await;
    assert_eq!(
        unchanged.status,
        StatusCode::SEE_OTHER,
        "{}",
        unchanged.body
    );
    assert_eq!(stored(&site).await.version, after.version);

    // A form the framework cannot read: the product's answer, in Chinese, nothing written.
    let garbled = site
        .post_form(
            "/households/A001/edit",
            Some(&admin),
            &[("version", "第三版"), ("size", "2")],
            true,
        )
        .await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST, "{}", garbled.body);
    assert!(
        garbled
            .body
            .contains("提交的内容格式不对，没有写入任何内容")
            && garbled.body.contains("<html"),
        "{}",
        garbled.body
    );
    assert_eq!(stored(&site).await.version, after.version);

    // Who may not import may not edit.
    let cadre = site.login("a_cadre").await;
    let page = site.get("/households/A001", Some(&cadre)).await;
    assert!(!page.body.contains("/households/A001/edit"));
    let r = site.get("/households/A001/edit", Some(&cadre)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = site
        .post_form(
            "/households/A001/edit",
            Some(&cadre),
            &[("version", &version), ("size", "1")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// The API changes a household's registry fields as the page does (PATCH: only those given),
/// at the version read.
#[tokio::test]
async fn the_api_corrects_a_household_at_the_version_read() {
    let site = Site::new().await;
    let token = site.token("a_admin").await;
    let patch = |body: serde_json::Value, token: String| {
        let site = &site;
        async move {
            site.api_json(Method::PATCH, "/api/v1/households/A001", &token, &body)
                .await
        }
    };
    let read = site
        .api(Method::GET, "/api/v1/households/A001", &token)
        .await;
    let read: serde_json::Value = serde_json::from_str(&read.body).unwrap();
    let version = read["version"].as_i64().unwrap();
    let address = read["address"].clone();

    let bad = patch(
        serde_json::json!({"version": version, "wage": "十元", "size": 0}),
        token.clone(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(
        bad.body.contains("工资性收入") && bad.body.contains("家庭人口数"),
        "each wrong value told: {}",
        bad.body
    );

    let ok = patch(
        serde_json::json!({"version": version, "wage": "5,000", "uninsured": true}),
        token.clone(),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let v: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    let changed: Vec<&str> = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    // (人均纯收入 follows when the ledger declared one: components given, it is derived.)
    assert!(
        changed.starts_with(&["基本医疗保险", "工资性收入"]),
        "{changed:?}"
    );
    assert_eq!(v["household"]["version"], version + 1);
    assert_eq!(v["household"]["address"], address, "not given: kept");

    let stale = patch(
        serde_json::json!({"version": version, "wage": "1"}),
        token.clone(),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let e: serde_json::Value = serde_json::from_str(&stale.body).unwrap();
    assert_eq!(e["code"], "stale", "{e}");

    let same = patch(
        serde_json::json!({"version": version + 1, "wage": "5000.00"}),
        token.clone(),
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&same.body).unwrap();
    assert_eq!(v["changed"], serde_json::json!([]), "{v}");
    assert_eq!(v["household"]["version"], version + 1, "nothing written");

    let garbled = site
        .send(
            Request::patch("/api/v1/households/A001")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"version\": \"三\""))
                .unwrap(),
        )
        .await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST, "{}", garbled.body);
    let e: serde_json::Value = serde_json::from_str(&garbled.body).unwrap();
    assert_eq!(e["code"], "bad_request");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("提交的内容格式不对"),
        "{e}"
    );

    let cadre = site.token("a_cadre").await;
    let r = patch(
        serde_json::json!({"version": version + 1, "size": 2}),
        cadre,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// A household's members changed on its pages (成员变动) by who may import: one corrected at the
/// version read, one added (refused if registered elsewhere), one leaving; each in the history
/// and the audit log, the household's figures following; a cadre refused.
#[tokio::test]
async fn a_households_members_change_on_its_pages() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let no = HouseholdNo::parse("A001").unwrap();
    let members = |site: &Site| {
        let app = site.app().clone();
        let no = no.clone();
        async move { app.store().members(Scope::All, &no).await.unwrap() }
    };
    let page = site.get("/households/A001", Some(&admin)).await;
    assert!(page.body.contains("id=\"add-member\""), "{}", page.body);
    assert!(page.body.contains("href=\"/households/A001/members/2\""));
    let before = members(&site).await;
    let spouse = &before[1];
    assert_eq!(spouse.member.name, "张红");

    // Corrected: the form holds the masked ID number only.
    let form = site.get("/households/A001/members/2", Some(&admin)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let masked = spouse.member.id.masked();
    assert!(form.body.contains(&masked) && !form.body.contains(&site.zhang_id));
    let version = spouse.version.to_string();
    let fields = |version: &str, masked: &str, health: &str| {
        vec![
            ("version".to_string(), version.to_string()),
            ("masked_id".to_string(), masked.to_string()),
            ("name".to_string(), "张红".to_string()),
            ("relation".to_string(), "配偶".to_string()),
            ("health".to_string(), health.to_string()),
            ("medical_insurance".to_string(), "否".to_string()),
        ]
    };
    let post = |uri: &'static str, f: Vec<(String, String)>| {
        let site = &site;
        let admin = &admin;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            site.post_form(uri, Some(admin), &f, true).await
        }
    };
    let saved = post(
        "/households/A001/members/2",
        fields(&version, &masked, "患有大病"),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let now = members(&site).await;
    assert_eq!(
        now[1].member.health,
        Some(zhenxing_domain::member::Health::SeriousIllness)
    );
    assert_eq!(now[1].member.medical_insurance, Some(false));
    assert_eq!(now[1].version, spouse.version + 1);
    let page = site.get("/households/A001", Some(&admin)).await;
    assert!(
        page.body.contains(&format!(
            "<td>成员 {masked}</td><td>健康状况</td><td>健康</td><td>患有大病</td>"
        )),
        "{}",
        page.body
    );
    // The form read before the save, or for another member at that place: nothing written.
    let stale = post(
        "/households/A001/members/2",
        fields(&version, &masked, "健康"),
    )
    .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("已被修改（现为第"), "{}", stale.body);
    let moved = post(
        "/households/A001/members/1",
        fields(&now[0].version.to_string(), &masked, "健康"),
    )
    .await;
    assert!(moved.body.contains("已有变动"), "{}", moved.body);
    assert_eq!(members(&site).await[1].version, spouse.version + 1);

    // Added: a child born; the same person again, or one registered in another household, not.
    let child = id("620102", "20250301", 9);
    let new_member = |id: &str| {
        vec![
            ("name".to_string(), "王小".to_string()),
            ("id_number".to_string(), id.to_string()),
            ("relation".to_string(), "之子".to_string()),
            ("health".to_string(), "健康".to_string()),
        ]
    };
    let added = post("/households/A001/members/new", new_member(&child)).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(members(&site).await.len(), 3);
    let stored = site
        .app()
        .store()
        .household(Scope::All, &no)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.persons, 3, "the kept count follows");
    // The same person again, otherwise described: refused, not written over.
    let mut otherwise = new_member(&child);
    otherwise[3].1 = "残疾".to_string();
    let again = post("/households/A001/members/new", otherwise).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("已是本户成员"), "{}", again.body);
    let kept = members(&site).await;
    let kept = kept.iter().find(|m| m.member.id.as_str() == child).unwrap();
    assert_eq!(
        kept.member.health,
        Some(zhenxing_domain::member::Health::Healthy)
    );
    assert_eq!(kept.version, 1);
    let elsewhere = post(
        "/households/A001/members/new",
        new_member(&id("620521", "19800303", 5)),
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(elsewhere.body.contains("已在"), "{}", elsewhere.body);
    let bad = post(
        "/households/A001/members/new",
        new_member("620102202503010099"),
    )
    .await;
    assert!(bad.body.contains("证件号码："), "{}", bad.body);

    // Leaving: the child's place, its removal in the history, the count back.
    let all = members(&site).await;
    let at = all
        .iter()
        .position(|m| m.member.id.as_str() == child)
        .unwrap()
        + 1;
    let uri: &'static str =
        Box::leak(format!("/households/A001/members/{at}/leave").into_boxed_str());
    let left = post(
        uri,
        vec![
            ("version".to_string(), all[at - 1].version.to_string()),
            ("masked_id".to_string(), all[at - 1].member.id.masked()),
            ("reason".to_string(), "死亡".to_string()),
            ("on".to_string(), "2025-06-01".to_string()),
        ],
    )
    .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);
    assert_eq!(members(&site).await.len(), 2);
    let page = site.get("/households/A001", Some(&admin)).await;
    assert!(
        page.body.contains("减少原因（已移出本户）"),
        "{}",
        page.body
    );

    let actions: Vec<String> = site
        .app()
        .accounts()
        .audit_chain(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.ends_with("_member"))
        .collect();
    assert_eq!(actions, ["edit_member", "add_member", "remove_member"]);
    let auditor = site.login("a_auditor").await;
    let log = site.get("/audit", Some(&auditor)).await;
    assert!(
        ["修改家庭成员", "新增家庭成员", "家庭成员减少"]
            .iter()
            .all(|label| log.body.contains(label)),
        "the audit log names them: {}",
        log.body
    );

    // The head dies; the spouse becomes the head: the household's 户主姓名 follows.
    let all = members(&site).await;
    let head = all.iter().position(|m| m.member.name == "王伟").unwrap() + 1;
    let uri: &'static str =
        Box::leak(format!("/households/A001/members/{head}/leave").into_boxed_str());
    let left = post(
        uri,
        vec![
            ("version".to_string(), all[head - 1].version.to_string()),
            ("masked_id".to_string(), all[head - 1].member.id.masked()),
            ("reason".to_string(), "死亡".to_string()),
        ],
    )
    .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);
    let spouse = members(&site).await.remove(0);
    assert_eq!(spouse.member.name, "张红");
    let mut fields = fields(
        &spouse.version.to_string(),
        &spouse.member.id.masked(),
        "患有大病",
    );
    fields[3].1 = "户主".to_string();
    let saved = post("/households/A001/members/1", fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let household = site
        .app()
        .store()
        .household(Scope::All, &no)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(household.household.head_name, "张红");
    let page = site.get("/households/A001", Some(&admin)).await;
    assert!(
        page.body
            .contains("<td>户</td><td>户主姓名</td><td>王伟</td><td>张红</td>"),
        "{}",
        page.body
    );

    // Who may not import may not change them.
    let cadre = site.login("a_cadre").await;
    let page = site.get("/households/A001", Some(&cadre)).await;
    assert!(!page.body.contains("/members/"));
    assert_eq!(
        site.get("/households/A001/members/1", Some(&cadre))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// The API changes a household's members as its pages do, each named by ID number in the body:
/// one added, one corrected at the version read, one leaving.
#[tokio::test]
async fn the_api_changes_a_households_members() {
    let site = Site::new().await;
    let token = site.token("a_admin").await;
    let send = |method: Method, uri: &'static str, body: serde_json::Value| {
        let site = &site;
        let token = token.clone();
        async move {
            let r = site.api_json(method, uri, &token, &body).await;
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
            (r.status, v)
        }
    };
    let child = id("620102", "20250301", 9);
    let (status, v) = send(
        Method::POST,
        "/api/v1/households/A001/members",
        serde_json::json!({"id_number": child, "name": "王小", "relation": "之子", "medical_insurance": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let members = v["members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    let added = members.iter().find(|m| m["name"] == "王小").unwrap();
    assert_eq!(added["medical_insurance"], true);
    assert_eq!(
        added["id_number"],
        zhenxing_domain::IdNumber::parse(&child).unwrap().masked(),
        "masked in the answer"
    );
    let version = added["version"].as_i64().unwrap();

    let (status, v) = send(
        Method::PATCH,
        "/api/v1/households/A001/members",
        serde_json::json!({"id_number": child, "version": version, "health": "患有大病"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["changed"], serde_json::json!(["健康状况"]));
    let (status, v) = send(
        Method::PATCH,
        "/api/v1/households/A001/members",
        serde_json::json!({"id_number": child, "version": version, "health": "健康"}),
    )
    .await;
    assert_eq!(
        (status, &v["code"]),
        (StatusCode::CONFLICT, &"stale".into()),
        "{v}"
    );
    let (status, v) = send(
        Method::PATCH,
        "/api/v1/households/A001/members",
        serde_json::json!({"id_number": id("620521", "19800303", 5), "version": 1, "health": "健康"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "not of this household: {v}"
    );

    let (status, v) = send(
        Method::POST,
        "/api/v1/households/A001/members/leave",
        serde_json::json!({"id_number": child, "version": version + 1, "reason": "户籍迁出", "on": "2025-09-01"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    assert_eq!(v["persons"], 2);
}

/// A monitored household's new clue opens no case: its page says so, with what the clue holds.
#[tokio::test]
async fn a_monitored_households_open_clue_shows_on_its_page() {
    use zhenxing_app::monitoring::clues::{ClueRequest, SubjectRef};
    use zhenxing_domain::monitoring::{Channel, Evidence};
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let page = site.get("/households/A001", Some(&admin)).await;
    assert!(!page.body.contains("household-open-clue"));
    let report = site
        .app()
        .record_clue(
            &zhenxing_app::monitoring::Caller::command_line(),
            &ClueRequest {
                subject: SubjectRef::Household(HouseholdNo::parse("A001").unwrap()),
                risks: zhenxing_domain::RiskTypes::parse("因学").unwrap(),
                disaster_kind: None,
                evidence: Evidence {
                    channel: Channel::VisitFinding,
                    source: "村干部走访".into(),
                    rule: None,
                    figures: vec![],
                    members: vec![],
                    note: None,
                    found_on: chrono::NaiveDate::from_ymd_opt(2025, 4, 2).unwrap(),
                },
                category: None,
                green_channel: false,
            },
        )
        .await
        .unwrap();
    assert!(report.due.is_none(), "monitored: no case opened");
    let page = site.get("/households/A001", Some(&admin)).await;
    assert!(
        page.body.contains("id=\"household-open-clue\"")
            && page
                .body
                .contains("2025-04-02发现，风险类型：因学；来源1条，最近一条：村干部走访"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_relocation_page_lists_the_households_short_of_the_floor_task() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    // Before any relocated household: the page says so.
    let empty = site.get("/relocation", Some(&admin)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.body.contains("id=\"no-relocated\""), "{}", empty.body);
    // The menu and the area page lead to it.
    assert!(
        site.get("/work", Some(&admin))
            .await
            .body
            .contains("href=\"/relocation?area=620102000000\">易地搬迁</a>")
    );
    assert!(
        site.get("/areas/620102", Some(&admin))
            .await
            .body
            .contains("href=\"/relocation?area=620102000000\"")
    );
    let p = |birth: &str, seq: u32| id("620102", birth, seq);
    let (content_type, body) = multipart(&[
        (
            "households",
            "户.csv",
            &csv(
                "户编号,所在村代码,户主姓名,家庭人口数,是否脱贫户,是否易地扶贫搬迁户,安置点",
                &[
                    "RL1,620102001001,王务工,1,是,是,东岗安置区",
                    "RL2,620102001001,赵待业,2,是,是,东岗安置区",
                ],
            ),
        ),
        (
            "members",
            "成员.csv",
            &csv(
                "户编号,证件号码,姓名,与户主关系,劳动技能,务工地点,是否公益岗位",
                &[
                    &format!("RL1,{},王务工,户主,普通劳动力,省外,否", p("19800301", 61)),
                    &format!("RL2,{},赵待业,户主,普通劳动力,,否", p("19800302", 62)),
                    &format!("RL2,{},赵妻,配偶,无劳动力,,否", p("19800303", 63)),
                ],
            ),
        ),
    ]);
    let imported = site
        .send(
            Request::post(format!("/import?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let page = site.get("/relocation", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    for part in [
        "<b id=\"relocated-households\">2</b>",
        "<b id=\"labour-households\">2</b>",
        "<b id=\"households-met\">1</b>达到就业目标户数（50.0%）",
        "<b id=\"households-short\">1</b>",
        "计为就业：务工或公益岗位",
        "<td>东岗安置区</td>",
        "href=\"/households/RL2\">RL2</a></td><td>赵待业</td>",
        "href=\"/relocation/xlsx?area=620102000000\"",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    assert!(!page.body.contains(">RL1<"), "RL1 has its worker");
    // The workbook: the sites and the household short.
    let (status, _, bytes) = site.get_bytes("/relocation/xlsx", &admin).await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let short = book.worksheet_range("未达到就业目标的户").unwrap();
        let nos: Vec<String> = short.rows().skip(2).map(|r| r[2].to_string()).collect();
        assert_eq!(nos, ["RL2"]);
    }
    // The API: the same figures, the rule it judged by.
    let token = site.token("a_admin").await;
    let r = site
        .api(Method::GET, "/api/v1/relocation?area=620102", &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["totals"]["households"], 2);
    assert_eq!(j["totals"]["met_per_mille"], 500);
    assert_eq!(j["rule"]["min_employed"], 1);
    assert_eq!(
        j["rule"]["employment"],
        serde_json::json!(["务工", "公益岗位"])
    );
    assert_eq!(j["sites"][0]["site"], "东岗安置区");
    assert_eq!(j["short"][0]["household_no"], "RL2");
    assert_eq!(j["short"][0]["labour"], 1);
    // Another county's area: not found, as everything outside one's area.
    let outside = site
        .api(Method::GET, "/api/v1/relocation?area=620000", &token)
        .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
}

/// Uploads a project ledger on the projects page.
async fn upload_projects(site: &Site, who: &Session, name: &str, ledger: &str) -> Response {
    let (content_type, body) = multipart(&[("ledger", name, ledger)]);
    site.send(
        Request::post(format!("/projects?csrf={}", who.csrf))
            .header(header::COOKIE, format!("zx_session={}", who.cookie))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_countys_projects_are_imported_followed_and_exported_on_their_pages() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    // No project yet: the page says so and offers the import.
    let empty = site.get("/projects", Some(&admin)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.body.contains("id=\"no-projects\""), "{}", empty.body);
    assert!(empty.body.contains("id=\"projects-form\""));
    assert!(
        site.get("/work", Some(&admin))
            .await
            .body
            .contains("href=\"/projects?area=620102000000\">衔接资金项目</a>")
    );
    let ledger = csv(
        PROJECT_HEADER,
        &[
            "XM01,2025,花椒产业园,620102010201,产业发展,已完工,100,100,90",
            "XM02,2025,村道硬化,620102010201,乡村建设行动,已开工,60,50,20",
            "XM03,2025,光伏电站,620102010201,其他,年度计划,40,0,0",
            "XM04,2025,超支项目,620102010201,产业发展,已开工,10,10,12",
        ],
    );
    let page = upload_projects(&site, &admin, "项目台账.csv", &ledger).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        "项目台账.csv：读取4行，新增项目3个，更新0个，未变0个，1行未导入",
        "<td class=\"n\">5</td><td>已支出资金（万元）</td><td></td><td>已支出资金120000.00元大于已下达资金100000.00元</td>",
        "<b id=\"projects-planned\">3</b>",
        "<b id=\"projects-start-rate\">66.67%</b>",
        "<b id=\"projects-completion-rate\">33.33%</b>",
        "<b id=\"projects-spending-rate\">73.33%</b>",
        // 100 of 150 allocated to industry: above the 60% floor.
        "<b id=\"projects-industry-share\">66.67%</b>产业发展资金占比</div>",
        "href=\"/projects/620102000000/XM02\">XM02</a>",
        "<option value=\"2025\" selected>2025</option>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    // Under the floor, the page says so.
    let more = csv(
        PROJECT_HEADER,
        &["XM05,2025,公厕改造,620102010201,乡村建设行动,已开工,100,100,10"],
    );
    let page = upload_projects(&site, &admin, "追加.csv", &more).await;
    assert!(
        page.body
            .contains("<b id=\"projects-industry-share\">40.00%</b>产业发展资金占比（低于60.00%）"),
        "{}",
        page.body
    );
    // A project changed by a later ledger: its page shows the change.
    let changed = csv(
        PROJECT_HEADER,
        &["XM02,2025,村道硬化,620102010201,乡村建设行动,已完工,60,60,58"],
    );
    upload_projects(&site, &admin, "更新.csv", &changed).await;
    let detail = site.get("/projects/620102/XM02", Some(&admin)).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    assert!(
        detail.body.contains("项目状态：已开工 → 已完工；已下达资金（元）：500000.00 → 600000.00；已支出资金（元）：200000.00 → 580000.00"),
        "{}",
        detail.body
    );
    assert!(detail.body.contains("<td id=\"project-stage\">已完工</td>"));
    // A project number that is no project, a code that is no county: not found.
    assert_eq!(
        site.get("/projects/620102/XM99", Some(&admin)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get("/projects/620102010201/XM02", Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A year that is no year: a clear 400.
    let bad = site.get("/projects?year=明年", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("年度“明年”无效"), "{}", bad.body);
    // The ledger exported imports back unchanged; the progress workbook has the total.
    let (status, _, bytes) = site.get_bytes("/projects/xlsx?year=2025", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("导出.xlsx");
    std::fs::write(&exported, &bytes).unwrap();
    let (content_type, body) = {
        let boundary = "zxprojects";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"ledger\"; filename=\"导出.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend(&bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    };
    let back = site
        .send(
            Request::post(format!("/projects?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert!(
        back.body
            .contains("导出.xlsx：读取4行，新增项目0个，更新0个，未变4个，全部导入"),
        "{}",
        back.body
    );
    let (status, _, bytes) = site.get_bytes("/projects/figures.xlsx", &admin).await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("项目进度").unwrap();
        let last: Vec<String> = sheet
            .rows()
            .next_back()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(last[1], "城关区合计");
        assert_eq!(last[3], "4", "planned");
    }
    // The API: the same figures; a project with its history; an import.
    let token = site.token("a_admin").await;
    let r = site
        .api(Method::GET, "/api/v1/projects?year=2025", &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["totals"]["planned"], 4);
    assert_eq!(j["totals"]["completion_rate"], "50.00%");
    assert_eq!(j["industry_short"], true);
    assert_eq!(j["projects"][1]["no"], "XM02");
    assert_eq!(j["projects"][1]["allocated_fen"], 60_000_000);
    let r = site
        .api(Method::GET, "/api/v1/projects/620102000000/XM02", &token)
        .await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["version"], 2);
    assert_eq!(
        j["changes"][0]["fields"][0],
        serde_json::json!(["项目状态", "已开工", "已完工"])
    );
    let (content_type, body) = multipart(&[(
        "ledger",
        "接口.csv",
        &csv(
            PROJECT_HEADER,
            &["XM06,2025,养殖合作社,620102010201,产业发展,资金已下达,50,50,0"],
        ),
    )]);
    let r = site
        .send(
            Request::post("/api/v1/projects/import")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        (j["added"].as_u64(), j["rejected"].as_u64()),
        (Some(1), Some(0))
    );
    // A village cadre reads the projects of their village but may not import.
    let cadre = site.login("a_cadre").await;
    let page = upload_projects(&site, &cadre, "项目台账.csv", &ledger).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let own = site.get("/projects", Some(&cadre)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.body.contains("id=\"projects-form\""));
    // Every import is in the audit log, by name.
    let auditor = site.login("a_auditor").await;
    let audit = site.get("/audit", Some(&auditor)).await;
    assert!(audit.body.contains("导入项目台账"), "{}", audit.body);
}

#[tokio::test]
async fn a_countys_small_loans_are_imported_and_followed_on_their_page() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let empty = site.get("/loans", Some(&admin)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.body.contains("id=\"no-overdue\"") && empty.body.contains("id=\"loans-form\""));
    assert!(
        site.get("/work", Some(&admin))
            .await
            .body
            .contains("href=\"/loans?area=620102000000\">小额信贷</a>")
    );
    let ledger = csv(
        // Amounts without a unit in the header: read in 元.
        "贷款合同编号,借款人证件号码,借款人姓名,贷款金额,放款日期,到期日期,贷款余额",
        &[
            &format!(
                "JK1,{},王伟,50000,2023-03-01,2025-03-01,20000",
                site.wang_id
            ),
            &format!(
                "JK2,{},张红,30000,2025-06-01,2028-06-01,30000",
                site.zhang_id
            ),
            &format!("JK3,{},张红,3,2025-06-01,2028-06-01,3", site.zhang_id),
        ],
    );
    let (content_type, body) = multipart(&[("ledger", "贷款.csv", &ledger)]);
    let page = site
        .send(
            Request::post(format!("/loans?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let wang = zhenxing_domain::IdNumber::parse(&site.wang_id).unwrap();
    for part in [
        "贷款.csv：读取3行，新增贷款2笔，更新0笔，未变0笔，1行未导入",
        // An amount read in 元 that looks written in 万元: told, not taken.
        "表头未注明单位",
        "<b id=\"loans-total\">2</b>",
        "<b id=\"loans-overdue\">1</b>",
        &format!(
            "<td><a href=\"/loans/620102000000/JK1\">JK1</a></td><td>王伟</td><td class=\"id\">{}</td>",
            wang.masked()
        ),
        "href=\"/households/A001\">A001</a>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    assert!(!page.body.contains(&site.wang_id), "no whole ID number");
    // As of a day before JK1 fell due: nothing overdue; a day that is no day: a clear 400.
    let before = site.get("/loans?date=2025-01-01", Some(&admin)).await;
    assert!(
        before.body.contains("<b id=\"loans-overdue\">0</b>"),
        "{}",
        before.body
    );
    let bad = site.get("/loans?date=昨天", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("日期“昨天”无效"));
    // The workbook and the API.
    let (status, _, bytes) = site.get_bytes("/loans/xlsx", &admin).await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("逾期贷款").unwrap();
        let row: Vec<String> = sheet
            .rows()
            .nth(2)
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(row[0], "JK1");
        assert_eq!(row[2], wang.masked());
    }
    let token = site.token("a_admin").await;
    let r = site
        .api(Method::GET, "/api/v1/loans?date=2026-01-01", &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["totals"]["loans"], 2);
    assert_eq!(j["totals"]["balance_fen"], 5_000_000);
    assert_eq!(j["overdue"][0]["no"], "JK1");
    assert_eq!(j["overdue"][0]["borrower_id"], wang.masked());
    assert_eq!(j["overdue"][0]["days_overdue"], 306);

    // 富民贷 named in the ledger: its own line, beyond its amount listed, what is wrong said.
    let ledger = csv(
        "贷款合同编号,借款人证件号码,借款人姓名,贷款金额（元）,放款日期,贷款期限（月）,贷款产品",
        &[&format!(
            "FM1,{},王伟,150000,2025-03-01,36,富民贷",
            site.wang_id
        )],
    );
    let (content_type, body) = multipart(&[("ledger", "富民贷.csv", &ledger)]);
    let page = site
        .send(
            Request::post(format!("/loans?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        "富民贷.csv：读取1行，新增贷款1笔，更新0笔，未变0笔，1笔超出产品额度或期限，全部导入",
        "<tr data-product=\"富民贷\"><td>富民贷</td><td class=\"n\">1</td><td class=\"n\">150000.00</td>",
        "<b id=\"loans-beyond\">1</b>",
        "<td><a href=\"/loans/620102000000/FM1\">FM1</a></td><td>富民贷</td>",
        "贷款金额150000.00元超过富民贷的额度100000.00元",
        "富民贷（农户，单户100000.00元以内，36个月以内）",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    let r = site.api(Method::GET, "/api/v1/loans", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["by_product"][1]["name"], "富民贷");
    assert_eq!(j["by_product"][1]["figures"]["loans"], 1);
    assert_eq!(j["beyond_count"], 1);
    assert_eq!(j["beyond"][0]["no"], "FM1");

    // The household's page lists its loans, each linked to its own page with its changes.
    let household = site.get("/households/A001", Some(&admin)).await;
    assert_eq!(household.status, StatusCode::OK);
    for part in [
        "id=\"household-loans\"",
        "<a href=\"/loans/620102000000/FM1\">FM1</a></td><td>富民贷</td>",
        "<a href=\"/loans/620102000000/JK1\">JK1</a></td><td>脱贫人口小额信贷</td>",
    ] {
        assert!(household.body.contains(part), "{part}\n{}", household.body);
    }
    assert!(
        household.body.find("FM1") < household.body.find("JK1"),
        "the latest lent first"
    );
    let zhao = site.get("/households/A002", Some(&admin)).await;
    assert_eq!(zhao.status, StatusCode::OK);
    assert!(
        !zhao.body.contains("id=\"household-loans\""),
        "its own loans only"
    );
    let loan = site.get("/loans/620102000000/JK1", Some(&admin)).await;
    assert_eq!(loan.status, StatusCode::OK, "{}", loan.body);
    for part in [
        "王伟的贷款",
        "id=\"loan-overdue\">已逾期",
        "<td id=\"loan-balance\">20000.00元</td>",
        &wang.masked(),
        "id=\"loan-history\"",
    ] {
        assert!(loan.body.contains(part), "{part}\n{}", loan.body);
    }
    assert!(!loan.body.contains(&site.wang_id), "no whole ID number");
    for missing in [
        "/loans/620102000000/NONE",
        "/loans/620102001/JK1",
        "/loans/xyz/JK1",
    ] {
        assert_eq!(
            site.get(missing, Some(&admin)).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let r = site
        .api(Method::GET, "/api/v1/loans/620102000000/JK1", &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["loan"]["balance_fen"], 2_000_000);
    assert_eq!(j["version"], 1);
    assert_eq!(j["changes"][0]["version"], 1);
    assert!(!r.body.contains(&site.wang_id), "no whole ID number");
    let r = site
        .api(Method::GET, "/api/v1/households/A001/loans", &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let nos: Vec<&str> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["no"].as_str().unwrap())
        .collect();
    assert_eq!(nos, ["JK2", "FM1", "JK1"], "the latest lent first");
}

#[tokio::test]
async fn the_key_counties_have_their_lines_on_the_dashboard_and_in_the_api() {
    let site = Site::new().await;
    let province = site.login("province").await;
    let before = site.get("/dashboard", Some(&province)).await;
    assert!(
        !before.body.contains("id=\"key-counties\""),
        "no list loaded yet"
    );
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("名单.csv");
    std::fs::write(&list, csv("县代码,类别", &["620102,国家级", "620521,省级"])).unwrap();
    let load = site.app().load_key_counties(&list).await.unwrap();
    assert!(load.errors.is_empty(), "{:?}", load.errors);
    let page = site.get("/dashboard", Some(&province)).await;
    assert_eq!(page.status, StatusCode::OK);
    for part in [
        "id=\"key-counties\"",
        "<td>国家重点帮扶县</td><td><a href=\"/dashboard?area=620102000000\">兰州市城关区</a></td>",
        "<b>国家重点帮扶县合计</b>",
        "<b>省级重点帮扶县合计</b>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    // A county's own dashboard: only itself, if it is one.
    let a = site.login("a_admin").await;
    let own = site.get("/dashboard", Some(&a)).await;
    assert!(own.body.contains("<b>国家重点帮扶县合计</b>"));
    assert!(
        !own.body.contains("省级重点帮扶县合计"),
        "county B is not county A's"
    );
    let token = site.token("province").await;
    let r = site.api(Method::GET, "/api/v1/key-counties", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["counties"].as_array().unwrap().len(), 2);
    assert_eq!(j["counties"][0]["kind"], "国家乡村振兴重点帮扶县");
    assert_eq!(j["counties"][0]["figures"]["households"], 2);
    assert_eq!(j["totals"][1]["name"], "省级重点帮扶县合计");
    let bad = site
        .api(Method::GET, "/api/v1/key-counties?as_of=明天", &token)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn policies_and_work_news_are_published_and_read_on_their_pages() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let empty = site.get("/posts", Some(&admin)).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("id=\"no-posts\"") && empty.body.contains("href=\"/posts/new\""));
    assert!(empty.body.contains("<a href=\"/posts\">政策动态</a>"));
    // What is typed wrong: the form again, as typed, with why.
    let wrong = site
        .post_form(
            "/posts",
            Some(&admin),
            &[
                ("kind", "policy"),
                ("title", ""),
                ("body", "正文<b>不加粗</b>"),
                ("published_on", "2099-01-01"),
            ],
            true,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .body
            .contains("标题：不能为空；发布日期：2099-01-01晚于今天"),
        "{}",
        wrong.body
    );
    assert!(
        wrong
            .body
            .contains("正文&#60;b&#62;不加粗&#60;/b&#62;</textarea>"),
        "{}",
        wrong.body
    );
    // Published: the post's page, each line a paragraph, the markup shown as text.
    let done = site
        .post_form(
            "/posts",
            Some(&admin),
            &[
                ("kind", "policy"),
                ("title", "城关区防返贫监测实施细则"),
                ("source", "城乡振发〔2026〕3号"),
                (
                    "body",
                    "第一条 按月排查。\r\n\r\n第二条 <script>alert(1)</script>",
                ),
            ],
            true,
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let to = done.headers[header::LOCATION].to_str().unwrap().to_string();
    let page = site.get(&to, Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    for part in [
        "<h1 id=\"post-title\">城关区防返贫监测实施细则</h1>",
        "政策文件 · 城关区 · ",
        "城乡振发〔2026〕3号 · 发布人：a_admin",
        "<p>第一条 按月排查。</p>",
        "<p>第二条 &#60;script&#62;alert(1)&#60;/script&#62;</p>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    // A village cadre of the county reads it, and may not publish.
    let cadre = site.login("a_cadre").await;
    let list = site.get("/posts?kind=policy", Some(&cadre)).await;
    assert!(list.body.contains("城关区防返贫监测实施细则"));
    assert!(!list.body.contains("href=\"/posts/new\""));
    assert_eq!(
        site.get("/posts/new", Some(&cadre)).await.status,
        StatusCode::FORBIDDEN
    );
    let refused = site
        .post_form(
            "/posts",
            Some(&cadre),
            &[("kind", "news"), ("title", "t"), ("body", "b")],
            true,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The other county sees none of it.
    let b = site.login("b_admin").await;
    assert!(
        !site
            .get("/posts", Some(&b))
            .await
            .body
            .contains("城关区防返贫监测实施细则")
    );
    assert_eq!(site.get(&to, Some(&b)).await.status, StatusCode::NOT_FOUND);
    // The API: published, listed, read; a kind that is none: 400.
    let token = site.token("a_officer").await;
    let r = site
        .api_json(
            Method::POST,
            "/api/v1/posts",
            &token,
            &serde_json::json!({"kind": "news", "title": "城关区召开推进会", "body": "会议……"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = site.api(Method::GET, "/api/v1/posts", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j[0]["id"], id);
    assert_eq!(j[0]["author"], "a_officer");
    assert_eq!(j[1]["kind"], "政策文件");
    let r = site
        .api(Method::GET, &format!("/api/v1/posts/{id}"), &token)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let bad = site
        .api(Method::GET, "/api/v1/posts?kind=gossip", &token)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // With attachments, from the form (multipart, `?csrf=`): listed on the post's page, each a
    // download under its own name, byte for byte; not to the other county.
    let pdf = b"%PDF-1.4\n%\xE2\xE3\n1 0 obj<<>>endobj\n".to_vec();
    let scan = b"\xFF\xD8\xFF\xE0scan".to_vec();
    let (ct, body) = crate::web_monitoring::multipart_body(
        &[
            ("kind", "policy"),
            ("title", "城关区监测帮扶工作方案"),
            ("body", "全文见附件。"),
        ],
        &[
            ("attachments", "工作方案.pdf", &pdf),
            ("attachments", "签发页.jpg", &scan),
        ],
    );
    let done = site
        .send(
            Request::post(format!("/posts?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let to = done.headers[header::LOCATION].to_str().unwrap().to_string();
    let page = site.get(&to, Some(&cadre)).await;
    for part in [
        "id=\"post-attachments\"",
        &format!(
            "<a href=\"{to}/attachments/1\" data-attachment=\"1\">工作方案.pdf</a> <small>（1 KB）</small>"
        ),
        &format!("<a href=\"{to}/attachments/2\" data-attachment=\"2\">签发页.jpg</a>"),
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    let (status, headers, bytes) = site.get_bytes(&format!("{to}/attachments/1"), &cadre).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, pdf);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
        "never shown inline"
    );
    assert_eq!(
        site.get(&format!("{to}/attachments/1"), Some(&b))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        site.get(&format!("{to}/attachments/9"), Some(&cadre))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A file that is not what its name says: the form again, with why, nothing published.
    let (ct, body) = crate::web_monitoring::multipart_body(
        &[("kind", "news"), ("title", "伪装的附件"), ("body", "正文")],
        &[(
            "attachments",
            "通知.pdf",
            b"<html><script>alert(1)</script>",
        )],
    );
    let wrong = site
        .send(
            Request::post(format!("/posts?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("附件“通知.pdf”：文件内容与扩展名不符"),
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains("value=\"伪装的附件\""),
        "the form as typed"
    );
    assert!(
        !site
            .get("/posts", Some(&admin))
            .await
            .body
            .contains("伪装的附件")
    );
    // The API: attached as base64, listed with where to fetch each, fetched with the token.
    let r = site
        .api_json(
            Method::POST,
            "/api/v1/posts",
            &token,
            &serde_json::json!({"kind": "policy", "title": "附件通知", "body": "见附件",
                "attachments": [{"name": "通知.pdf", "content_base64": "JVBERi0xLjQK"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = site
        .api(Method::GET, &format!("/api/v1/posts/{id}"), &token)
        .await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["attachments"][0]["name"], "通知.pdf");
    assert_eq!(j["attachments"][0]["size"], 9);
    let url = j["attachments"][0]["url"].as_str().unwrap().to_string();
    let r = site.api(Method::GET, &url, &token).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "%PDF-1.4\n"));
    let r = site.api(Method::GET, "/api/v1/posts", &token).await;
    assert!(!r.body.contains("\"attachments\""), "not in the lists");
    let r = site
        .api_json(
            Method::POST,
            "/api/v1/posts",
            &token,
            &serde_json::json!({"kind": "policy", "title": "坏附件", "body": "见附件",
                "attachments": [{"name": "通知.pdf", "content_base64": "不是base64"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("content_base64 不是有效的base64"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn those_who_work_in_a_village_check_in_and_their_county_reads_the_month() {
    let site = Site::new().await;
    let cadre = site.login("a_cadre").await;
    let page = site.get("/attendance", Some(&cadre)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"check-in-form\"") && page.body.contains("还没有签到"));
    // Checked in: the page says so, and a later word the same day replaces it.
    let done = site
        .post_form(
            "/attendance",
            Some(&cadre),
            &[("kind", "present"), ("note", "入户走访")],
            true,
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = site.get("/attendance", Some(&cadre)).await;
    assert!(page.body.contains("已登记：在岗"), "{}", page.body);
    site.post_form("/attendance", Some(&cadre), &[("kind", "away")], true)
        .await;
    let page = site.get("/attendance", Some(&cadre)).await;
    assert!(page.body.contains("已登记：公出"), "{}", page.body);
    // A kind that is none: a clear 400; a note with a line break: refused.
    let bad = site
        .post_form("/attendance", Some(&cadre), &[("kind", "nap")], true)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = site
        .post_form(
            "/attendance",
            Some(&cadre),
            &[("kind", "present"), ("note", "a\nb")],
            true,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("说明最多200个字，不能换行"));
    // The county reads the month: the cadre's row, today 公出; the admin does not check in.
    let admin = site.login("a_admin").await;
    let month = site.get("/attendance", Some(&admin)).await;
    assert!(!month.body.contains("id=\"check-in-form\""));
    assert!(
        month
            .body
            .contains("<tr data-user=\"a_cadre\"><td>a_cadre</td><td>村干部</td>"),
        "{}",
        month.body
    );
    assert!(month.body.contains("<td>公出</td></tr>"), "{}", month.body);
    // The API: the cadre's word; the month as JSON.
    let token = site.token("a_cadre").await;
    let r = site
        .api_json(
            Method::POST,
            "/api/v1/checkins",
            &token,
            &serde_json::json!({"kind": "leave"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let token = site.token("a_admin").await;
    let r = site.api(Method::GET, "/api/v1/attendance", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let row = &j["rows"][0];
    assert_eq!(
        (row["name"].as_str(), row["today"].as_str()),
        (Some("a_cadre"), Some("请假"))
    );
    let bad = site
        .api(Method::GET, "/api/v1/attendance?month=2099-01", &token)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("2099年1月还没有到"), "{}", bad.body);

    // Leave: the cadre asks on the page, the township approves it there; the API shows it.
    let today = zhenxing_domain::today_in_china().to_string();
    let asked = site
        .post_form(
            "/attendance/leave",
            Some(&cadre),
            &[("from", &today), ("until", &today), ("reason", "孩子生病")],
            true,
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let bad = site
        .post_form(
            "/attendance/leave",
            Some(&cadre),
            &[("from", "明天"), ("until", &today), ("reason", "事")],
            true,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("开始日期“明天”无效"), "{}", bad.body);
    let township = site.login("a_township").await;
    let page = site.get("/attendance", Some(&township)).await;
    assert!(page.body.contains("<td>孩子生病</td>"), "{}", page.body);
    assert!(page.body.contains("data-approve="), "{}", page.body);
    // The cadre sees the request, with nothing to decide.
    let own = site.get("/attendance", Some(&cadre)).await;
    assert!(own.body.contains("<td>孩子生病</td>") && !own.body.contains("data-approve="));
    let r = site.api(Method::GET, "/api/v1/attendance", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let id = j["leave"][0]["id"].as_i64().unwrap();
    assert_eq!(j["leave"][0]["status"], "待审批");
    let decided = site
        .post_form(
            &format!("/attendance/leave/{id}"),
            Some(&township),
            &[("decision", "approve"), ("note", "同意")],
            true,
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let page = site.get("/attendance", Some(&township)).await;
    assert!(
        page.body
            .contains("已批准<br><small>a_township：同意</small>"),
        "{}",
        page.body
    );
    let r = site.api(Method::GET, "/api/v1/attendance", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["leave"][0]["status"], "已批准");
    assert_eq!(
        j["rows"][0]["leave_unapproved"], 0,
        "today's 请假 is approved"
    );
    // Decided once: a second word is refused.
    let r = site
        .api_json(
            Method::POST,
            &format!("/api/v1/leave/{id}"),
            &token,
            &serde_json::json!({"decision": "refuse"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // Withdrawn by who asked: the leave begun today offers no 撤回; one days ahead does, on the
    // page and over the API; the township may not withdraw it.
    let own = site.get("/attendance", Some(&cadre)).await;
    assert!(!own.body.contains("data-withdraw="), "{}", own.body);
    let ahead = (zhenxing_domain::today_in_china() + chrono::Days::new(3)).to_string();
    let asked = site
        .post_form(
            "/attendance/leave",
            Some(&cadre),
            &[("from", &ahead), ("until", &ahead), ("reason", "回家探亲")],
            true,
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let month = &ahead[..7];
    let own = site
        .get(&format!("/attendance?month={month}"), Some(&cadre))
        .await;
    let key = "data-withdraw=\"";
    let at = own.body.find(key).map(|i| i + key.len()).expect(&own.body);
    let ahead_id: i64 = own.body[at..].split('"').next().unwrap().parse().unwrap();
    let r = site
        .post_form(
            &format!("/attendance/leave/{ahead_id}/withdraw"),
            Some(&township),
            &[],
            true,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "not the township's to withdraw"
    );
    let r = site
        .post_form(
            &format!("/attendance/leave/{ahead_id}/withdraw"),
            Some(&cadre),
            &[],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let own = site
        .get(&format!("/attendance?month={month}"), Some(&cadre))
        .await;
    assert!(
        own.body
            .contains("<td>回家探亲</td><td class=\"status\">已撤回"),
        "{}",
        own.body
    );
    assert!(!own.body.contains(&format!("data-withdraw=\"{ahead_id}\"")));
    let cadre_token = site.token("a_cadre").await;
    let r = site
        .api_json(
            Method::POST,
            "/api/v1/leave",
            &cadre_token,
            &serde_json::json!({"from": ahead, "until": ahead, "reason": "再次探亲"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let again: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let path = format!("/api/v1/leave/{}/withdraw", again["id"]);
    let r = site.api(Method::POST, &path, &cadre_token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = site.api(Method::POST, &path, &cadre_token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("已撤回"), "{}", r.body);
    let auditor = site.login("a_auditor").await;
    let audit = site.get("/audit", Some(&auditor)).await;
    assert!(audit.body.contains("撤回请假"), "{}", audit.body);
}

/// Uploads a construction ledger on the 乡村建设 page.
async fn upload_construction(site: &Site, who: &Session, name: &str, bytes: &[u8]) -> Response {
    let (content_type, body) =
        crate::web_monitoring::multipart_body(&[], &[("ledger", name, bytes)]);
    site.send(
        Request::post(format!("/construction?csrf={}", who.csrf))
            .header(header::COOKIE, format!("zx_session={}", who.cookie))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_countys_rural_construction_is_imported_followed_and_exported_on_its_page() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let empty = site.get("/construction", Some(&admin)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(
        empty.body.contains("id=\"no-construction\""),
        "{}",
        empty.body
    );
    assert!(empty.body.contains("id=\"construction-form\""));
    assert!(
        site.get("/work", Some(&admin))
            .await
            .body
            .contains("href=\"/construction?area=620102000000\">乡村建设</a>")
    );
    // The items as GBK CSV, one refused; then the targets.
    let items = csv(
        CONSTRUCTION_HEADER,
        &[
            "JS01,2026,农村户厕改造,620102010201,户厕改造,60,60,已完成",
            "JS02,2026,农村户厕改造,620102010201,户厕改造,40,20,在建",
            "JS03,2026,生活污水治理,620102010201,污水管网,1,2,在建",
        ],
    );
    let gbk = encoding_rs::GBK.encode(&items).0.to_vec();
    let page = upload_construction(&site, &admin, "乡建.csv", &gbk).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        "乡建.csv：读取建设项目3行（新增2个，更新0个，未变0个），目标任务0行（新增0项，更新0项，未变0项），1行未导入",
        "<td class=\"n\">4</td><td>完成数量</td><td>2</td><td>完成数量2大于计划数量1</td>",
        "农村户厕改造：完成80户（未下达目标任务）",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    let targets = csv(
        "区划代码,年度,任务类别,目标任务数",
        &["620102000000,2026,农村户厕改造,100"],
    );
    let page = upload_construction(&site, &admin, "目标.csv", targets.as_bytes()).await;
    for part in [
        "目标任务1行（新增1项，更新0项，未变0项），全部导入",
        "<div class=\"short\" data-task=\"农村户厕改造\"><b>80.00%</b>农村户厕改造：完成80户，目标100户</div>",
        "\">JS02</a></td><td>农村户厕改造</td>",
        "<td class=\"n\">20户</td><td>在建</td>",
        "href=\"/construction/xlsx?area=620102000000&amp;year=2026\"",
        // 100 of 100 toilets planned in items: the target covered.
        "<td class=\"n\">80.00%</td><td class=\"n\">100.00%</td>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    // An item's page: its number links to it, its history shown.
    assert!(
        page.body
            .contains("href=\"/construction/620102000000/JS02\">JS02</a>"),
        "{}",
        page.body
    );
    let item = site.get("/construction/620102/JS02", Some(&admin)).await;
    assert_eq!(item.status, StatusCode::OK, "{}", item.body);
    assert!(
        item.body
            .contains("<td id=\"construction-item-done\">20户</td>"),
        "{}",
        item.body
    );
    assert_eq!(
        site.get("/construction/620102/JS99", Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A year that is no year: a clear 400.
    let bad = site.get("/construction?year=明年", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // The ledger exported imports back unchanged over the API.
    let (status, _, bytes) = site.get_bytes("/construction/xlsx?year=2026", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let token = site.token("a_admin").await;
    let (content_type, body) =
        crate::web_monitoring::multipart_body(&[], &[("ledger", "导出.xlsx", &bytes)]);
    let back = site
        .send(
            Request::post("/api/v1/construction/import")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    let j: serde_json::Value = serde_json::from_str(&back.body).unwrap();
    assert_eq!(
        (
            &j["items_unchanged"],
            &j["targets_unchanged"],
            &j["rejected"]
        ),
        (
            &serde_json::json!(2),
            &serde_json::json!(1),
            &serde_json::json!(0)
        )
    );
    // The figures workbook and the API's figures.
    let (status, _, bytes) = site
        .get_bytes("/construction/figures.xlsx?year=2026", &admin)
        .await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("完成情况").unwrap();
        let last: Vec<String> = sheet
            .rows()
            .next_back()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            last[1..9],
            [
                "城关区合计",
                "农村户厕改造",
                "户",
                "100",
                "2",
                "100",
                "80",
                "80.00%"
            ]
        );
    }
    let r = site
        .api(Method::GET, "/api/v1/construction?year=2026", &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["tasks"][1]["task"], "农村户厕改造");
    assert_eq!(j["tasks"][1]["figures"]["completion_rate"], "80.00%");
    assert_eq!(j["tasks"][1]["figures"]["behind"], true);
    assert_eq!(j["items"][1]["stage"], "在建");
    // A village cadre reads the page but is offered no import, and may not post one.
    let cadre = site.login("a_cadre").await;
    let seen = site.get("/construction", Some(&cadre)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert!(!seen.body.contains("id=\"construction-form\""));
    let refused = upload_construction(&site, &cadre, "乡建.csv", &gbk).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_county_checks_its_work_teams_by_phone_and_the_number_is_seen_audited() {
    let site = Site::new().await;
    let dir = tempfile::tempdir().unwrap();
    let cadre_id = crate::support::id("620102", "19860101", 21);
    let roster = b_file(
        dir.path(),
        "a花名册.csv",
        csv(
            "姓名,证件号码,联系电话,所驻村代码,驻村职务,派出单位,派出单位级别,驻村时间",
            &[&format!(
                "马驻村,{cadre_id},13912345678,620102001001,第一书记,省农业农村厅,省直,2025-03-01"
            )],
        ),
    );
    let posted = site
        .app()
        .import_roster_in(
            &zhenxing_app::store::Actor::command_line(),
            Scope::All,
            &roster,
            None,
        )
        .await
        .unwrap();
    assert_eq!(posted.added, 1, "{:?}", posted.errors);
    let admin = site.login("a_admin").await;
    let page = site.get("/work-teams/phone-checks", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"draw-form\""), "{}", page.body);
    assert!(page.body.contains("id=\"no-phone-checks\""));
    let drawn = site
        .post_form(
            "/work-teams/phone-checks/draw",
            Some(&admin),
            &[("area", COUNTY_A), ("count", "5")],
            true,
        )
        .await;
    assert_eq!(drawn.status, StatusCode::SEE_OTHER, "{}", drawn.body);
    let page = site.get("/work-teams/phone-checks", Some(&admin)).await;
    for part in [
        "<td>马驻村</td>",
        "139****5678",
        "<b id=\"checks-drawn\">1</b>",
        "<b id=\"checks-pending\">1</b>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    assert!(!page.body.contains("13912345678"), "masked");
    let recorded = site
        .post_form(
            &format!("/work-teams/phone-checks/{COUNTY_A}/1"),
            Some(&admin),
            &[("result", "不在岗"), ("note", "人在县城")],
            true,
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let page = site.get("/work-teams/phone-checks", Some(&admin)).await;
    for part in [
        "<b class=\"result\">不在岗</b>",
        "人在县城",
        "<b id=\"checks-rate\">0.00%</b>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    let shown = site
        .post_form(
            &format!("/work-teams/phone-checks/{COUNTY_A}/1/phone"),
            Some(&admin),
            &[],
            true,
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains("<b>13912345678</b>"), "{}", shown.body);
    let audited = site
        .app()
        .audit_log(&caller(&site, "a_auditor").await, None, 50)
        .await
        .unwrap();
    assert!(
        audited
            .entries
            .iter()
            .any(|e| e.action == "reveal_personal_data" && e.subject.starts_with("phone_check:")),
        "{:?}",
        audited.entries
    );
    // The month's workbook: the call as recorded, the number masked; the figures per area.
    assert!(page.body.contains("id=\"phone-checks-xlsx\""));
    let (status, _, bytes) = site
        .get_bytes("/work-teams/phone-checks/xlsx", &admin)
        .await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["电话抽查", "按区划"]);
        let sheet = book.worksheet_range("电话抽查").unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert!(rows[0][0].contains("电话抽查驻村干部"), "{:?}", rows[0]);
        let line = rows
            .iter()
            .find(|r| r[10] == "不在岗")
            .expect("the recorded call");
        assert_eq!((line[3].as_str(), line[12].as_str()), ("1", "人在县城"));
        assert!(
            line[9].contains('*') && !line[9].contains("13912345678"),
            "masked: {}",
            line[9]
        );
        let figures = book.worksheet_range("按区划").unwrap();
        let total: Vec<String> = figures
            .rows()
            .nth(2)
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!((total[4].as_str(), total[7].as_str()), ("1", "0.00%"));
    }
    // A bad count and a bad result: told, nothing written.
    let bad = site
        .post_form(
            "/work-teams/phone-checks/draw",
            Some(&admin),
            &[("area", COUNTY_A), ("count", "很多")],
            true,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = site
        .post_form(
            &format!("/work-teams/phone-checks/{COUNTY_A}/1"),
            Some(&admin),
            &[("result", "也许")],
            true,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // A village cadre reads, and may neither draw nor record.
    let cadre = site.login("a_cadre").await;
    let seen = site.get("/work-teams/phone-checks", Some(&cadre)).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("id=\"draw-form\""));
    let refused = site
        .post_form(
            &format!("/work-teams/phone-checks/{COUNTY_A}/1"),
            Some(&cadre),
            &[("result", "在岗")],
            true,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The API: the month's checks, a call recorded again.
    let token = site.token("a_admin").await;
    let r = site
        .api(Method::GET, "/api/v1/work-teams/phone-checks", &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["checks"][0]["result"], "不在岗");
    assert_eq!(j["checks"][0]["phone"], "139****5678");
    let r = site
        .api_json(
            Method::POST,
            &format!("/api/v1/work-teams/phone-checks/{COUNTY_A}/1"),
            &token,
            &serde_json::json!({"result": "在岗", "note": "回拨在村"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = site
        .api(Method::GET, "/api/v1/work-teams/phone-checks", &token)
        .await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["figures"]["in_post_rate"], "100.00%");
}

#[tokio::test]
async fn a_countys_work_teams_are_imported_and_followed_on_their_page_masked() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    site.app()
        .store()
        .set_ex_poor_villages(&[AreaCode::parse(V1).unwrap()], true)
        .await
        .unwrap();
    let empty = site.get("/work-teams", Some(&admin)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(
        empty.body.contains("<b id=\"secretary-rate\">0.00%</b>"),
        "{}",
        empty.body
    );
    assert!(
        site.get("/work", Some(&admin))
            .await
            .body
            .contains("href=\"/work-teams?area=620102000000\">驻村工作队</a>")
    );
    let secretary = crate::support::id("620102", "19800101", 1);
    let member = crate::support::id("620102", "19800101", 2);
    let roster = csv(
        &format!("{ROSTER_HEADER},联系电话,系统账号"),
        &[
            &format!(
                "张明,{secretary},{V1},第一书记,省农业农村厅,省直,2025-03-01,13800001111,a_cadre"
            ),
            &format!("李华,{member},{V1},队员,县教育局,县直,2025-03-01,,"),
            &format!("坏行,{member},{V1},队员,县教育局,县直,明年,,"),
        ],
    );
    let (content_type, body) = multipart(&[("ledger", "花名册.csv", &roster)]);
    let page = site
        .send(
            Request::post(format!("/work-teams?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        "花名册.csv：读取3行，新增驻村干部2人，更新0人，未变0人，1行未导入",
        "<td>驻村时间</td><td>明年</td>",
        "<b id=\"team-members\">2</b>在岗驻村干部（第一书记1人）",
        "<b id=\"secretary-rate\">100.00%</b>",
        "<b id=\"short-teams\">1</b>",
        "省直单位1人",
        "<td>张明</td><td>第一书记</td><td>省农业农村厅（省直单位）</td>",
        "138****1111",
        // 张明 checks in as a_cadre: his month's attendance; 李华 has no account.
        "应出勤",
        "<td class=\"attendance\">未关联签到账号</td>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    for whole in [&secretary, &member, &"13800001111".to_string()] {
        assert!(!page.body.contains(whole.as_str()), "{whole}");
    }
    // The roster as a workbook: masked.
    let (status, _, bytes) = site.get_bytes("/work-teams/xlsx", &admin).await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("驻村干部花名册").unwrap();
        let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
        assert!(cells.contains(&"张明".to_string()));
        assert!(!cells.iter().any(|c| c.contains(secretary.as_str())));
    }
    // A day that is no day: a clear 400.
    let bad = site.get("/work-teams?date=明天", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // The API: the same figures, masked.
    let token = site.token("a_admin").await;
    let r = site.api(Method::GET, "/api/v1/work-teams", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["totals"]["members"], 2);
    assert_eq!(j["totals"]["secretary_rate"], "100.00%");
    assert_eq!(j["attention"][0]["problems"], "工作队仅2人");
    assert_eq!(j["members"][0]["phone"], "138****1111");
    assert_eq!(j["members"][0]["account"], "a_cadre");
    assert!(
        j["members"][0]["attendance"]["working_days"].is_u64(),
        "{}",
        r.body
    );
    assert!(j["members"][1]["attendance"].is_null());
    assert!(!r.body.contains(secretary.as_str()));
    // A village cadre reads the page but is offered no import.
    let cadre = site.login("a_cadre").await;
    let seen = site.get("/work-teams", Some(&cadre)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert!(!seen.body.contains("id=\"work-teams-form\""));
    assert!(!seen.body.contains("id=\"trainings-form\""));

    // 张明's training this year uploaded: the coverage and his hours; a stranger's row refused.
    let day = zhenxing_domain::today_in_china();
    let trainings = csv(
        "姓名,证件号码,培训班名称,培训日期,学时",
        &[
            &format!("张明,{secretary},乡村振兴专题培训班,{day},24"),
            &format!(
                "路人,{},乡村振兴专题培训班,{day},24",
                crate::support::id("620102", "19900101", 9)
            ),
        ],
    );
    let (content_type, body) = multipart(&[("ledger", "培训.csv", &trainings)]);
    let page = site
        .send(
            Request::post(format!("/work-teams/trainings?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        "培训.csv：读取2行，新增培训记录1条，更新0条，未变0条，1行未导入",
        "此人不在驻村干部花名册中",
        "<b id=\"training-rate\">50.00%</b>本年培训覆盖率（1人，24学时）",
        "<td class=\"n training-hours\">24</td>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    let r = site.api(Method::GET, "/api/v1/work-teams", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["totals"]["trained"], 1);
    assert_eq!(j["totals"]["training_rate"], "50.00%");
}

#[tokio::test]
async fn a_countys_cooperation_is_imported_and_followed_on_its_page() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let empty = site.get("/cooperation", Some(&admin)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(
        empty.body.contains("id=\"no-cooperation\""),
        "{}",
        empty.body
    );
    assert!(
        site.get("/work", Some(&admin))
            .await
            .body
            .contains("href=\"/cooperation?area=620102000000\">协作帮扶</a>")
    );
    let ledger = csv(
        COOPERATION_HEADER,
        &[
            &format!("{COUNTY_A},2026,东西部协作,结对区,财政援助资金,3000,2400"),
            &format!("{COUNTY_A},2026,东西部协作,结对区,帮助农村劳动力就业,1500,1500"),
            &format!("{COUNTY_A},2026,东西部协作,结对区,帮助农村劳动力就业,1,1"),
        ],
    );
    let (content_type, body) = multipart(&[("ledger", "协作.csv", &ledger)]);
    let page = site
        .send(
            Request::post(format!("/cooperation?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        "协作.csv：读取3行，新增指标2项，更新0项，未变0项，1行未导入",
        "与第3行是同一县、年度、帮扶方的同一指标",
        "<h2>东西部协作 <small>结对区</small></h2>",
        "<tr class=\"short\" data-indicator=\"财政援助资金\"><td>财政援助资金</td><td>万元</td><td class=\"n\">3000</td><td class=\"n\">2400</td><td class=\"n\">80.00%</td></tr>",
        "<tr data-indicator=\"帮助农村劳动力就业\">",
        "<td>城关区</td><td>东西部协作</td><td>结对区</td><td>财政援助资金</td><td class=\"n\">3000</td><td class=\"n\">2400</td><td>万元</td><td class=\"n\">80.00%</td>",
    ] {
        assert!(page.body.contains(part), "{part}\n{}", page.body);
    }
    let token = site.token("a_admin").await;
    let r = site.api(Method::GET, "/api/v1/cooperation", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["programs"][0]["program"], "东西部协作");
    assert_eq!(
        j["programs"][0]["indicators"][0]["planned_value"],
        3_000_000_000i64
    );
    assert_eq!(j["programs"][0]["indicators"][0]["rate"], "80.00%");
    let (status, _, bytes) = site.get_bytes("/cooperation/xlsx?year=2026", &admin).await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("协作帮扶台账").unwrap();
        assert_eq!(sheet.rows().count(), 2 + 2);
    }
    let cadre = site.login("a_cadre").await;
    let seen = site.get("/cooperation", Some(&cadre)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert!(!seen.body.contains("id=\"cooperation-form\""));
}

#[tokio::test]
async fn the_employment_page_counts_the_labour_of_ex_poor_households_in_the_area() {
    let site = Site::new().await;
    let admin = site.login("a_admin").await;
    let page = site.get("/employment", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("劳动技能为普通劳动力、技能劳动力、弱劳动力或半劳动力的成员"),
        "{}",
        page.body
    );
    assert!(
        site.get("/work", Some(&admin))
            .await
            .body
            .contains("href=\"/employment?area=620102000000\">务工就业</a>")
    );
    let token = site.token("a_admin").await;
    let r = site.api(Method::GET, "/api/v1/employment", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let shown = format!(
        "<b id=\"ex-poor-labour\">{}</b>",
        j["totals"]["ex_poor"]["labour"]
    );
    assert!(page.body.contains(&shown), "{shown}\n{}", page.body);
    assert_eq!(j["area"], COUNTY_A);
    let outside = site
        .api(Method::GET, "/api/v1/employment?area=620000", &token)
        .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("id=\"targets-form\""), "{}", page.body);
    assert!(!page.body.contains("id=\"target-rate\""), "no target yet");

    // The county's target uploaded, one row refused: the rate, the county behind, the xlsx.
    use chrono::Datelike;
    let year = zhenxing_domain::today_in_china().year();
    let counted = j["totals"]["ex_poor"]["employed"].as_u64().unwrap()
        + j["totals"]["monitored"]["employed"].as_u64().unwrap();
    let target = counted + 10;
    let table = csv(
        TARGETS_HEADER,
        &[
            &format!("{COUNTY_A},{year},{target}"),
            &format!("{COUNTY_A},{year},0"),
        ],
    );
    let (content_type, body) = multipart(&[("ledger", "目标.csv", &table)]);
    let page = site
        .send(
            Request::post(format!("/employment/targets?csrf={}", admin.csrf))
                .header(header::COOKIE, format!("zx_session={}", admin.cookie))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        "目标.csv：读取2行，新增目标1个，更新0个，未变0个，1行未导入".to_string(),
        "目标人数应大于0".to_string(),
        format!("({counted} / {target}人)")
            .replace('(', "（")
            .replace(')', "）"),
        format!("<td class=\"n\">{target}</td><td class=\"n\">{counted}</td>"),
        "<td class=\"n\">10</td></tr>".to_string(),
    ] {
        assert!(page.body.contains(&part), "{part}\n{}", page.body);
    }
    assert!(page.body.contains("id=\"employment-behind\""));
    let r = site.api(Method::GET, "/api/v1/employment", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["target"]["target"], target);
    assert_eq!(j["target"]["behind"], true);
    assert_eq!(j["behind"][0]["code"], COUNTY_A);
    let (status, _, bytes) = site.get_bytes("/employment/targets.xlsx", &admin).await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("务工就业目标").unwrap();
        let last: Vec<String> = sheet
            .rows()
            .next_back()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            &last[..4],
            [COUNTY_A, "城关区", &year.to_string(), &target.to_string()]
        );
    }
    let (status, _, _) = site.get_bytes("/employment/xlsx", &admin).await;
    assert_eq!(status, StatusCode::OK);
    // Who may not set targets sees no form, and is refused.
    let cadre = site.login("a_cadre").await;
    let seen = site.get("/employment", Some(&cadre)).await;
    assert!(!seen.body.contains("id=\"targets-form\""));
    let cadre_token = site.token("a_cadre").await;
    let (content_type, body) = multipart(&[("ledger", "目标.csv", &table)]);
    let refused = site
        .send(
            Request::post("/api/v1/employment/targets/import")
                .header(header::AUTHORIZATION, format!("Bearer {cadre_token}"))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
}

#[tokio::test]
async fn a_village_prints_the_qr_code_of_its_application_form() {
    let site = Site::new().await;
    let cadre = site.login("a_cadre").await;
    // The cadre's own village by default, the address the request came to in the code.
    let page = site.get("/apply/poster", Some(&cadre)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let url = format!("/apply?village={V1}");
    let between = |body: &str, from: &str, to: &str| -> String {
        let start = body.find(from).unwrap_or_else(|| panic!("{from}:\n{body}")) + from.len();
        body[start..start + body[start..].find(to).unwrap()].to_string()
    };
    let url_of = |body: &str, n: usize| between(body, &format!("id=\"poster-url-{n}\">"), "</p>");
    let code_of =
        |body: &str, n: usize| between(body, &format!("id=\"poster-code-{n}\">"), "</div>");
    let shown = url_of(&page.body, 1);
    assert!(
        shown.starts_with("http://") && shown.ends_with(&url),
        "{shown}"
    );
    let code = code_of(&page.body, 1);
    assert!(
        code.starts_with("<svg") && code.contains("<path fill=\"#000000\" d=\"M"),
        "{code}"
    );
    // The village by its full name; the address and telephone as given, the code changed.
    let page = site
        .get(
            &format!("/apply/poster?village={V1}&address=https%3A%2F%2Ffpjc.example.gov.cn%2F&phone=0931-1234567"),
            Some(&cadre),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        url_of(&page.body, 1),
        format!("https://fpjc.example.gov.cn{url}")
    );
    assert_ne!(
        code_of(&page.body, 1),
        code,
        "another address, another code"
    );
    assert!(page.body.contains("0931-1234567"), "{}", page.body);
    let name = between(
        &page.body,
        "<p class=\"poster-place\" id=\"poster-village-1\">",
        "</p>",
    );
    assert!(
        name.starts_with("甘肃省") && name.len() > "甘肃省".len(),
        "{name}"
    );
    // An address that is none: said why.
    let bad = site
        .get(
            &format!("/apply/poster?village={V1}&address=javascript:alert(1)"),
            Some(&cadre),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(
        bad.body.contains("应以 http:// 或 https:// 开头"),
        "{}",
        bad.body
    );
    // A township chooses among its villages; another county's village is not found.
    let township = site.login("a_township").await;
    let page = site.get("/apply/poster", Some(&township)).await;
    assert!(
        page.body
            .contains(&format!("<a href=\"/apply/poster?village={V1}\">")),
        "{}",
        page.body
    );
    let other = site
        .get(
            &format!("/apply/poster?village={VILLAGE_B}"),
            Some(&township),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    // Or prints every village's at once, a poster a page, each with its own village's code.
    let villages = page
        .body
        .matches("<a href=\"/apply/poster?village=")
        .count();
    assert!(
        page.body.contains(&format!("全部{villages}个村的二维码")),
        "{}",
        page.body
    );
    let all = site
        .get(
            &format!("/apply/poster?village={TOWNSHIP_A}&all=1"),
            Some(&township),
        )
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let urls: std::collections::BTreeSet<String> =
        (1..=villages).map(|n| url_of(&all.body, n)).collect();
    assert_eq!(urls.len(), villages);
    assert!(urls.iter().any(|u| u.ends_with(&url)), "{urls:?}");
    assert!(
        !all.body
            .contains(&format!("id=\"poster-url-{}\"", villages + 1))
    );
}

#[tokio::test]
async fn a_village_cadre_sees_what_today_asks_on_the_home_page() {
    let site = Site::new().await;
    let cadre = site.login("a_cadre").await;
    let home = site.get("/", Some(&cadre)).await;
    assert_eq!(home.location(), format!("/areas/{V1}"));
    let page = site.get(&format!("/areas/{V1}"), Some(&cadre)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let line = |body: &str, id: &str| -> String {
        let start = body
            .find(&format!("<li id=\"{id}\">"))
            .unwrap_or_else(|| panic!("{id} missing:\n{body}"));
        let end = start + body[start..].find("</li>").unwrap();
        body[start..end].to_string()
    };
    // A household looked up from there: the village's list, searched.
    assert!(
        page.body.contains(
            "<form method=\"get\" action=\"/households\" class=\"filters\" id=\"my-day-search\""
        ) && page.body.contains(&format!("name=\"area\" value=\"{V1}\"")),
        "{}",
        page.body
    );
    // Nothing given yet today: 未签到 (or a day of rest), 未写.
    let check_in = line(&page.body, "my-day-check-in");
    assert!(
        check_in.contains("未签到") || check_in.contains("休息日"),
        "{check_in}"
    );
    assert!(line(&page.body, "my-day-log").contains("未写"));
    // The counts are those of the lists they lead to.
    let app = site.app();
    let caller = zhenxing_app::auth::Caller {
        user: app
            .user_by_name(Manager::CommandLine, "a_cadre")
            .await
            .unwrap(),
        via: zhenxing_app::auth::Via::Session,
    };
    let today = zhenxing_domain::today_in_china();
    let (due, _) = app
        .due_for_visit(
            &caller.monitoring(),
            Some(AreaCode::parse(V1).unwrap()),
            today,
            100,
            None,
        )
        .await
        .unwrap();
    assert!(
        line(&page.body, "my-day-visits").contains(&format!("<b>{}</b>户", due.len())),
        "{}",
        page.body
    );
    let overdue = app
        .overdue_cases(&caller.monitoring(), None, today, 100)
        .await
        .unwrap();
    assert!(
        line(&page.body, "my-day-overdue").contains(&format!("{}</b>件", overdue.len())),
        "{}",
        page.body
    );
    // 在岗签到 from the home page comes back to it, the word given.
    let done = site
        .post_form(
            "/attendance",
            Some(&cadre),
            &[("kind", "present"), ("back", "home")],
            true,
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/");
    site.post_form(
        "/work-logs",
        Some(&cadre),
        &[("body", "走访两户"), ("households", "")],
        true,
    )
    .await;
    let page = site.get(&format!("/areas/{V1}"), Some(&cadre)).await;
    assert!(
        line(&page.body, "my-day-check-in").contains("已签到"),
        "{}",
        page.body
    );
    assert!(
        line(&page.body, "my-day-log").contains("已写"),
        "{}",
        page.body
    );
    // Leave asked ahead, for next month: the township finds it waiting on its home page and
    // on this month's attendance, where it decides it.
    let next_month = zhenxing_domain::attendance::month_end(today)
        .succ_opt()
        .unwrap()
        .to_string();
    let asked = site
        .post_form(
            "/attendance/leave",
            Some(&cadre),
            &[
                ("from", &next_month),
                ("until", &next_month),
                ("reason", "下月初回家办事"),
            ],
            true,
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let township = site.login("a_township").await;
    let home = site.get("/", Some(&township)).await;
    let page = site.get(home.location(), Some(&township)).await;
    assert!(
        line(&page.body, "my-day-leave").contains("<b>1</b>件"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("id=\"my-day-check-in\""),
        "a township checks in not"
    );
    let attendance = site.get("/attendance", Some(&township)).await;
    assert!(
        attendance.body.contains("以后月份待审批1件")
            && attendance.body.contains("<td>下月初回家办事</td>")
            && attendance.body.contains("data-approve="),
        "{}",
        attendance.body
    );
    // The same day over the API, for a phone's home screen.
    let token = site.token("a_township").await;
    let r = site.api(Method::GET, "/api/v1/my-day", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["leave_waiting"], 1, "{j}");
    assert!(j["own"].is_null() && j["visits_due"].is_null(), "{j}");
    let token = site.token("a_cadre").await;
    let r = site.api(Method::GET, "/api/v1/my-day", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["own"]["checked_in"], "在岗", "{j}");
    // The month so far counts today's word when today is a working day.
    let (attended, working) = (
        j["own"]["attended"].as_u64().unwrap(),
        j["own"]["working_days"].as_u64().unwrap(),
    );
    assert!(attended <= working, "{j}");
    if j["own"]["working_day"] == true {
        assert!(attended >= 1, "{j}");
    }
    let own_page = site.get(&format!("/areas/{V1}"), Some(&cadre)).await;
    assert!(
        line(&own_page.body, "my-day-month").contains(&format!("<b>{attended}</b>/{working}天")),
        "{}",
        own_page.body
    );
    assert_eq!(j["own"]["logged"], true, "{j}");
    assert_eq!(j["visits_due"], due.len(), "{j}");
    assert_eq!(j["cases_overdue"], overdue.len(), "{j}");
    // The cadre's own leave is not theirs to decide: nothing waits for them.
    let page = site.get(&format!("/areas/{V1}"), Some(&cadre)).await;
    assert!(!page.body.contains("id=\"my-day-leave\""), "{}", page.body);
    // Another area's page, or someone who only reads figures above the counties: no such card.
    let admin = site.login("a_admin").await;
    let other = site
        .get(&format!("/areas/{TOWNSHIP_A}"), Some(&admin))
        .await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!other.body.contains("id=\"my-day\""));
    let auditor = site.login("a_auditor").await;
    let own = site.get("/", Some(&auditor)).await;
    let page = site.get(own.location(), Some(&auditor)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"my-day\""), "{}", page.body);
    // The province decides leave but takes no step of a case: no cases' line.
    let province = site.login("province").await;
    let own = site.get("/", Some(&province)).await;
    let page = site.get(own.location(), Some(&province)).await;
    assert!(line(&page.body, "my-day-leave").contains("<b>1</b>件"));
    assert!(!page.body.contains("id=\"my-day-cases\""), "{}", page.body);
}

#[tokio::test]
async fn a_village_cadre_writes_the_days_work_log_and_the_county_reads_it() {
    let site = Site::new().await;
    let cadre = site.login("a_cadre").await;
    let page = site.get("/work-logs", Some(&cadre)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"work-log-form\""), "{}", page.body);
    let saved = site
        .post_form(
            "/work-logs",
            Some(&cadre),
            &[
                ("body", "走访王伟户<b>核实</b>收入。\n宣讲政策。"),
                ("households", "A001"),
            ],
            true,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // A household outside the cadre's village: refused, said why.
    let refused = site
        .post_form(
            "/work-logs",
            Some(&cadre),
            &[("body", "走访"), ("households", "A002")],
            true,
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("户编号A002不存在或不在您的管辖范围内")
    );
    // The county reads it: the text escaped, a paragraph a line, the household linked.
    let admin = site.login("a_admin").await;
    let read = site.get("/work-logs", Some(&admin)).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    for part in [
        "<p>走访王伟户&#60;b&#62;核实&#60;/b&#62;收入。</p><p>宣讲政策。</p>",
        "<a href=\"/households/A001\">A001</a>",
    ] {
        assert!(read.body.contains(part), "{part}\n{}", read.body);
    }
    assert!(
        !read.body.contains("id=\"work-log-form\""),
        "a county admin writes none"
    );
    assert!(
        site.get("/attendance", Some(&admin))
            .await
            .body
            .contains("id=\"to-work-logs\"")
    );
    // The API: the same log; a team member's token writes one.
    let token = site.token("a_admin").await;
    let r = site.api(Method::GET, "/api/v1/work-logs", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["logs"][0]["households"], serde_json::json!(["A001"]));
    let cadre_token = site.token("a_cadre").await;
    let w = site
        .api_json(
            Method::POST,
            "/api/v1/work-logs",
            &cadre_token,
            &serde_json::json!({"body": "下午走访王伟户", "households": ["A001"]}),
        )
        .await;
    assert_eq!(w.status, StatusCode::NO_CONTENT, "{}", w.body);
    let r = site.api(Method::GET, "/api/v1/work-logs", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        j["logs"].as_array().unwrap().len(),
        1,
        "the day's later log replaces it"
    );
    assert_eq!(j["logs"][0]["body"], "下午走访王伟户");

    // The form comes back with the day's log whole, its households too (saved again, they are
    // kept), and offers the days before that may still be written (补写).
    let page = site.get("/work-logs", Some(&cadre)).await;
    assert!(
        page.body
            .contains("id=\"work-log-households\" value=\"A001\""),
        "{}",
        page.body
    );
    let today = zhenxing_domain::today_in_china();
    let yesterday = today - chrono::Days::new(1);
    assert!(
        page.body.contains(&format!(
            "<a href=\"/work-logs?day={yesterday}#work-log\" class=\"nowrap\">昨天"
        )),
        "{}",
        page.body
    );
    let saved = site
        .post_form(
            "/work-logs",
            Some(&cadre),
            &[
                ("day", &yesterday.to_string()),
                ("body", "补写昨天：村两委会议"),
                ("households", ""),
            ],
            true,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = site
        .get(&format!("/work-logs?day={yesterday}"), Some(&cadre))
        .await;
    assert!(
        page.body.contains("补写昨天：村两委会议</textarea>"),
        "{}",
        page.body
    );
    let read = site
        .get(
            &format!("/work-logs?month={}", yesterday.format("%Y-%m")),
            Some(&admin),
        )
        .await;
    assert!(
        read.body.contains("<p>补写昨天：村两委会议</p>"),
        "{}",
        read.body
    );
    // Too long ago, on the page and through the API: refused, said why.
    let old = today - chrono::Days::new(10);
    let page = site
        .get(&format!("/work-logs?day={old}"), Some(&cadre))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.body.contains("只能填写今天或补写前3天的"),
        "{}",
        page.body
    );
    let w = site
        .api_json(
            Method::POST,
            "/api/v1/work-logs",
            &cadre_token,
            &serde_json::json!({"day": old.to_string(), "body": "补写"}),
        )
        .await;
    assert_eq!(w.status, StatusCode::BAD_REQUEST, "{}", w.body);
    assert!(w.body.contains("工作纪实最多补写3天前的"), "{}", w.body);
    let w = site
        .api_json(
            Method::POST,
            "/api/v1/work-logs",
            &cadre_token,
            &serde_json::json!({"day": yesterday.to_string(), "body": "补写：API"}),
        )
        .await;
    assert_eq!(w.status, StatusCode::NO_CONTENT, "{}", w.body);

    // Photos: sent with the page's form (multipart), shown to the county as thumbnails and
    // served to it, to no other county; over the API as base64, listed by address.
    let photo = crate::web_monitoring::jpeg();
    let (ct, body) = crate::web_monitoring::multipart_body(
        &[("body", "今天开会，照片两张"), ("households", "A001")],
        &[("photos", "a.jpg", &photo), ("photos", "b.jpg", &photo)],
    );
    let sent = site
        .send(
            Request::post(format!("/work-logs?csrf={}", cadre.csrf))
                .header(header::COOKIE, format!("zx_session={}", cadre.cookie))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = site.get("/work-logs", Some(&cadre)).await;
    assert!(
        page.body.contains("已有2张，重新选择即替换"),
        "{}",
        page.body
    );
    let read = site.get("/work-logs", Some(&admin)).await;
    let thumb = read
        .body
        .split("<img class=\"thumb\" src=\"")
        .nth(2)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("two thumbnails:\n{}", read.body))
        .to_string();
    assert!(
        thumb.starts_with("/work-logs/") && thumb.ends_with("/photos/2"),
        "{thumb}"
    );
    let got = site.get(&thumb, Some(&admin)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers[header::CONTENT_TYPE], "image/jpeg");
    let b_admin = site.login("b_admin").await;
    assert_eq!(
        site.get(&thumb, Some(&b_admin)).await.status,
        StatusCode::NOT_FOUND
    );
    // Saved again without photos, they stay; 删除已有照片 takes them away.
    site.post_form(
        "/work-logs",
        Some(&cadre),
        &[("body", "今天开会"), ("households", "A001")],
        true,
    )
    .await;
    assert_eq!(site.get(&thumb, Some(&admin)).await.status, StatusCode::OK);
    site.post_form(
        "/work-logs",
        Some(&cadre),
        &[
            ("body", "今天开会"),
            ("households", "A001"),
            ("remove_photos", "1"),
        ],
        true,
    )
    .await;
    assert_eq!(
        site.get(&thumb, Some(&admin)).await.status,
        StatusCode::NOT_FOUND
    );
    use base64::Engine;
    let w = site
        .api_json(
            Method::POST,
            "/api/v1/work-logs",
            &cadre_token,
            &serde_json::json!({"body": "开会", "photos": [base64::engine::general_purpose::STANDARD.encode(&photo)]}),
        )
        .await;
    assert_eq!(w.status, StatusCode::NO_CONTENT, "{}", w.body);
    let r = site.api(Method::GET, "/api/v1/work-logs", &token).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let url = j["logs"][0]["photos"][0].as_str().unwrap().to_string();
    let got = site.api(Method::GET, &url, &token).await;
    assert_eq!(got.status, StatusCode::OK, "{url}");
    let w = site
        .api_json(
            Method::POST,
            "/api/v1/work-logs",
            &cadre_token,
            &serde_json::json!({"body": "开会", "photos": ["不是base64"]}),
        )
        .await;
    assert_eq!(w.status, StatusCode::BAD_REQUEST, "{}", w.body);
    assert!(w.body.contains("第1张照片不是有效的base64"), "{}", w.body);
}
