//! The product in a real browser: Debian's headless Chromium driven over WebDriver. Log in, walk
//! the tree to a village, find a household by ID number, open it, import a ledger with a bad
//! row, log out; screenshots of the main pages go to `target/screenshots/`.
//!
//! Needs a running chromedriver named by `ZHENXING_WEBDRIVER` (e.g. `http://127.0.0.1:9515`;
//! `.ci/run` starts one). Without it the test is skipped, except in CI (`ZHENXING_CI`), where
//! that is a failure.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use zhenxing_domain::IdNumber;

use crate::support::*;
use crate::web::{PASSWORD, Site};

fn webdriver_url() -> Option<String> {
    match std::env::var("ZHENXING_WEBDRIVER") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("ZHENXING_CI").is_err(),
                "CI must run the browser tests: ZHENXING_WEBDRIVER is not set"
            );
            eprintln!(
                "skipped: start chromedriver and set ZHENXING_WEBDRIVER=http://127.0.0.1:PORT"
            );
            None
        }
    }
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn browser(webdriver: &str, profile: &std::path::Path) -> Client {
    chromium(webdriver, profile, false).await
}

/// A phone's screen, 390 px wide (Chromium's own emulation: headless windows are never narrower
/// than 500 px).
async fn phone(webdriver: &str, profile: &std::path::Path) -> Client {
    chromium(webdriver, profile, true).await
}

async fn chromium(webdriver: &str, profile: &std::path::Path, phone: bool) -> Client {
    let mut caps = serde_json::Map::new();
    let mut options = serde_json::json!({
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            "--lang=zh-CN",
            format!("--user-data-dir={}", profile.display()),
        ]
    });
    if phone {
        options["mobileEmulation"] = serde_json::json!({
            "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2 }
        });
    }
    if std::path::Path::new("/usr/bin/chromium").exists() {
        options["binary"] = "/usr/bin/chromium".into();
    }
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(webdriver)
        .await
        .unwrap_or_else(|e| panic!("cannot start Chromium through {webdriver}: {e}"))
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

async fn wait_for(c: &Client, xpath: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("waiting for {xpath}: {e}"))
}

/// The text of the element with id `id`.
async fn text_of(c: &Client, id: &str) -> String {
    c.find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Waits until the address bar satisfies `ok` (htmx pushes it after swapping the content in).
async fn wait_url(c: &Client, what: &str, ok: impl Fn(&str, &str) -> bool) {
    for _ in 0..200 {
        let url = c.current_url().await.unwrap();
        if ok(url.path(), url.query().unwrap_or("")) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the address never showed {what}: {}",
        c.current_url().await.unwrap()
    );
}

/// Uploads `ledger` as the households file on the import page; answers the form's progress
/// token.
async fn import_households(c: &Client, base: &str, ledger: &std::path::Path) -> String {
    c.goto(&format!("{base}/import")).await.unwrap();
    let input = wait_for(c, "//input[@id='households-file']").await;
    let progress_token = c
        .find(Locator::Id("import-form"))
        .await
        .unwrap()
        .attr("data-progress")
        .await
        .unwrap()
        .unwrap();
    input.send_keys(&ledger.to_string_lossy()).await.unwrap();
    c.find(Locator::Id("import"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    progress_token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_story_login_tree_search_household_import_logout() {
    let Some(webdriver) = webdriver_url() else {
        return;
    };
    let site = Site::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(zhenxing_web::serve_on(
        listener,
        site.app().clone(),
        false,
        async move {
            let _ = stopped.await;
        },
    ));
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&webdriver, profile.path()).await;
    let result = async {
        // Not signed in: the login page.
        c.goto(&format!("{base}/")).await.unwrap();
        wait_for(&c, "//button[@id='login']").await;
        assert!(c.current_url().await.unwrap().path().starts_with("/login"));
        shot(&c, "01-login").await;
        c.find(Locator::Id("name"))
            .await
            .unwrap()
            .send_keys("a_officer")
            .await
            .unwrap();
        c.find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys(PASSWORD)
            .await
            .unwrap();
        c.find(Locator::Id("login"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();

        // The county, then down the tree to the village.
        wait_for(&c, "//h1[contains(., '城关区')]").await;
        assert_eq!(text_of(&c, "whoami").await, "a_officer");
        shot(&c, "02-county").await;
        c.find(Locator::LinkText("伏龙坪街道"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '伏龙坪街道')]").await;
        shot(&c, "03-township").await;
        c.find(Locator::LinkText("红沟村民委员会"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '红沟村民委员会')]").await;
        wait_url(&c, "the village", |path, _| path.ends_with(V1)).await;
        shot(&c, "04-village").await;

        // The village's households; search one by a member's ID number.
        c.find(Locator::Id("list-households"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let q = wait_for(&c, "//input[@id='q']").await;
        q.send_keys(&site.zhang_id).await.unwrap();
        c.find(Locator::Id("search"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_url(&c, "the query", |_, query| query.contains("q=")).await;
        let rows = c
            .find_all(Locator::Css("#household-list tbody tr"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        let link = wait_for(&c, "//table[@id='household-list']//a[text()='A001']").await;
        shot(&c, "05-search").await;

        // The household: ID numbers masked, whole on request.
        link.click().await.unwrap();
        wait_for(&c, "//h1[contains(., '王伟户')]").await;
        let ids = c.find_all(Locator::Css("#members td.id")).await.unwrap();
        let wang = IdNumber::parse(&site.wang_id).unwrap();
        assert_eq!(ids[0].text().await.unwrap(), wang.masked());
        assert_no_sideways_scroll(&c, "household").await;
        shot(&c, "06-household").await;
        c.find(Locator::Id("reveal"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//p[@id='revealed']").await;
        let ids = c.find_all(Locator::Css("#members td.id")).await.unwrap();
        assert_eq!(ids[0].text().await.unwrap(), site.wang_id);

        // Corrected on its page: the form, then the household with the change in its history.
        click(&c, "edit-household").await;
        wait_for(&c, "//h1[contains(., '修改农户信息')]").await;
        let wage = by_id(&c, "edit-wage").await;
        wage.clear().await.unwrap();
        wage.send_keys("23,456.70").await.unwrap();
        click(&c, "edit-housing").await;
        shot(&c, "06b-edit").await;
        click(&c, "edit-submit").await;
        wait_for(&c, "//h1[contains(., '王伟户')]").await;
        let history = text_of(&c, "history").await;
        assert!(
            history.contains("工资性收入") && history.contains("23456.70"),
            "{history}"
        );
        assert!(history.contains("住房安全"), "{history}");
        // A member corrected there: the spouse's health.
        click(&c, "member-2").await;
        wait_for(&c, "//h1[contains(., '修改家庭成员')]").await;
        choose(&c, "member-health", "长期慢性病").await;
        shot(&c, "06c-member").await;
        click(&c, "member-submit").await;
        wait_for(&c, "//h1[contains(., '王伟户')]").await;
        let history = text_of(&c, "history").await;
        assert!(
            history.contains("健康状况") && history.contains("长期慢性病"),
            "{history}"
        );

        // Import a ledger with a bad row: the row and its reason are shown.
        let ledger = site.env.write(
            "浏览器导入.csv",
            csv(
                H_HEADER,
                &[
                    "W001,620102010202,孙强,3,8000,否,,,,否,",
                    "W002,620102019999,错村,1,8000,否,,,,否,",
                ],
            ),
        );
        let progress_token = import_households(&c, &base, &ledger).await;
        let errors = wait_for(&c, "//table[@id='row-errors']").await;
        let text = errors.text().await.unwrap();
        assert!(
            text.contains("620102019999") && text.contains("所在村代码"),
            "{text}"
        );
        let result = text_of(&c, "import-result").await;
        assert!(
            result.contains("新增1户") && result.contains("拒绝1行"),
            "{result}"
        );
        // The row not taken can be fetched as it was, to be corrected and imported again.
        let offer = text_of(&c, "rejected-rows").await;
        assert!(
            offer.contains("下载未导入的行") && offer.contains("改正后可直接导入"),
            "{offer}"
        );
        shot(&c, "07-import").await;
        // The import is listed below, its error report kept with it.
        let listed = text_of(&c, "import-list").await;
        assert!(
            listed.contains("浏览器导入.csv") && listed.contains("xlsx"),
            "{listed}"
        );
        // The page's script (`app.js`, under the page's Content-Security-Policy) shows an
        // import's progress as the server tells it: this page's form, pointed at the import
        // above's token, given a submit event that sends nothing, shows that import as done.
        c.execute(
            "var f = document.getElementById('import-form');\
             f.dataset.progress = arguments[0];\
             f.dispatchEvent(new Event('submit', { cancelable: true }));",
            vec![progress_token.clone().into()],
        )
        .await
        .unwrap();
        let mut shown = String::new();
        for _ in 0..100 {
            shown = text_of(&c, "import-progress").await;
            if shown.starts_with("已完成") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(shown.starts_with("已完成，用时"), "{shown}");

        // The older xls, as county templates still are, goes in the same way.
        let xls = site.env.path("浏览器导入.xls");
        let row = "W003,620102010202,赵敏,2,8000,否,,,,否,";
        write_xls(
            &xls,
            &[(
                "户信息",
                [H_HEADER, row]
                    .iter()
                    .map(|line| {
                        line.split(',')
                            .map(|c| (!c.is_empty()).then_some(XlsCell::Text(c)))
                            .collect()
                    })
                    .collect(),
            )],
        );
        import_households(&c, &base, &xls).await;
        wait_for(&c, "//*[@id='import-result']").await;
        let result = text_of(&c, "import-result").await;
        assert!(
            result.contains("新增1户") && result.contains("全部导入"),
            "{result}"
        );

        // A ledger of one row a person (一表式), in the households field alone: its members
        // come with it, the head and size taken from its rows.
        let one = site.env.write(
            "一表式.csv",
            csv(
                "户编号,所在村代码,是否脱贫户,人均纯收入（元）,姓名,证件号码,与户主关系",
                &[
                    &format!(
                        "W005,620102010202,否,8000,钱一,{},户主",
                        id("620102", "19660101", 51)
                    ),
                    &format!(
                        "W005,620102010202,否,8000,钱二,{},子",
                        id("620102", "19950101", 52)
                    ),
                ],
            ),
        );
        import_households(&c, &base, &one).await;
        wait_for(&c, "//*[@id='import-result']").await;
        let result = text_of(&c, "import-result").await;
        assert!(
            result.contains("读取2行")
                && result.contains("户：新增1户")
                && result.contains("成员：新增2人")
                && result.contains("全部导入"),
            "{result}"
        );

        // The two households came without their members: the county's registry check says
        // so, from the import's answer.
        click(&c, "registry-check-link").await;
        wait_for(&c, "//h1[contains(., '户籍信息核查')]").await;
        // The page's script named the check for its progress line (a province's takes seconds).
        let url = c.current_url().await.unwrap();
        let token = url
            .query_pairs()
            .find(|(k, _)| k == "progress")
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        assert!(
            token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
            "{url}"
        );
        let missing: Vec<String> = {
            let rows = c
                .find_all(Locator::Css(
                    "#registry-check-findings tr[data-rule='no_members'] td:nth-child(2)",
                ))
                .await
                .unwrap();
            let mut out = Vec::new();
            for r in rows {
                out.push(r.text().await.unwrap());
            }
            out
        };
        assert!(
            missing.contains(&"W001".to_string()) && missing.contains(&"W003".to_string()),
            "{missing:?}"
        );
        let total = c
            .find(Locator::Css(
                "#registry-check-totals tr[data-rule='no_members'] td.n",
            ))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(total, missing.len().to_string());
        shot(&c, "08a-registry-check").await;
        // The household's page says it too.
        c.find(Locator::LinkText("W001"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let said = wait_for(
            &c,
            "//div[@id='registry-findings']/ul/li[@data-rule='no_members']",
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(said.starts_with("无家庭成员："), "{said}");

        // The relocation sites' floor task, from the menu: two relocated households arrive (one
        // with a worker, one whose labour has no work); the one short is listed and leads to
        // its page.
        seed_relocated(&site).await;
        click_link(&c, "重点工作").await;
        c.find(Locator::LinkText("易地搬迁"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '易地搬迁就业帮扶')]").await;
        assert_eq!(text_of(&c, "relocated-households").await, "2");
        assert_eq!(text_of(&c, "households-short").await, "1");
        shot(&c, "08b-relocation").await;
        c.find(Locator::LinkText("RL2"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '赵待业户')]").await;
        wait_for(&c, "//*[contains(., '东岗安置区')]").await;

        // The county's projects of 衔接资金: a ledger uploaded on the page (GBK, as Excel saves
        // it), the rates shown, a project opened.
        click_link(&c, "重点工作").await;
        c.find(Locator::LinkText("衔接资金项目"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '衔接资金项目')]").await;
        let projects = site.env.write(
            "项目台账.csv",
            encoding_rs::GBK
                .encode(&csv(
                    "项目编号,实施年度,项目名称,实施地点代码,项目类别,项目状态,计划投资（万元）,已下达资金（万元）,已支出资金（万元）",
                    &[
                        "XM01,2025,花椒产业园,620102010201,产业发展,已完工,100,100,90",
                        "XM02,2025,村道硬化,620102010201,乡村建设行动,已开工,60,50,20",
                    ],
                ))
                .0,
        );
        by_id(&c, "projects-file")
            .await
            .send_keys(&projects.to_string_lossy())
            .await
            .unwrap();
        click(&c, "upload-projects").await;
        wait_for(&c, "//*[@id='projects-import-result']").await;
        assert!(
            text_of(&c, "projects-import-result")
                .await
                .contains("新增项目2个"),
        );
        assert_eq!(text_of(&c, "projects-start-rate").await, "100.00%");
        assert_eq!(text_of(&c, "projects-completion-rate").await, "50.00%");
        assert_no_sideways_scroll(&c, "projects").await;
        shot(&c, "08c-projects").await;
        c.find(Locator::LinkText("XM02"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '村道硬化')]").await;
        assert_eq!(text_of(&c, "project-stage").await, "已开工");
        // Another year chosen: the page shows it at once (the page's own script submits the
        // form; the policy runs no inline handler).
        c.goto(&format!("{base}/projects")).await.unwrap();
        wait_for(&c, "//select[@id='project-year']").await;
        c.execute(
            "var s = document.getElementById('project-year');\
             var o = document.createElement('option'); o.value = '2021'; s.appendChild(o);\
             s.value = '2021'; s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![],
        )
        .await
        .unwrap();
        let mut shown = String::new();
        for _ in 0..50 {
            shown = c.current_url().await.unwrap().to_string();
            if shown.contains("year=2021") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(shown.contains("year=2021"), "{shown}");

        // Rural construction: the items and the county's target uploaded, the task's rate shown.
        click_link(&c, "重点工作").await;
        c.find(Locator::LinkText("乡村建设"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '乡村建设')]").await;
        let items = site.env.write(
            "乡村建设台账.csv",
            encoding_rs::GBK
                .encode(&csv(
                    "项目编号,实施年度,任务类别,所在地代码,建设内容,计划数量,完成数量,进展情况",
                    &[
                        "JS01,2026,农村户厕改造,620102010201,户厕改造,60,60,已完成",
                        "JS02,2026,农村户厕改造,620102010201,户厕改造,40,15,在建",
                    ],
                ))
                .0,
        );
        by_id(&c, "construction-file")
            .await
            .send_keys(&items.to_string_lossy())
            .await
            .unwrap();
        click(&c, "upload-construction").await;
        wait_for(&c, "//*[@id='construction-import-result']").await;
        let targets = site.env.write(
            "目标任务.csv",
            csv(
                "区划代码,年度,任务类别,目标任务数",
                &["620102000000,2026,农村户厕改造,100"],
            ),
        );
        by_id(&c, "construction-file")
            .await
            .send_keys(&targets.to_string_lossy())
            .await
            .unwrap();
        click(&c, "upload-construction").await;
        wait_for(
            &c,
            "//*[@id='construction-import-result' and contains(., '目标任务1行（新增1项')]",
        )
        .await;
        let summary = text_of(&c, "construction-summary").await;
        assert!(
            summary.contains("75.00%") && summary.contains("完成75户，目标100户"),
            "{summary}"
        );
        shot(&c, "08c2-construction").await;

        // Work teams: a roster uploaded, the team's cadres listed with ID numbers masked.
        click_link(&c, "重点工作").await;
        c.find(Locator::LinkText("驻村工作队"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '驻村工作队')]").await;
        let secretary = crate::support::id("620102", "19800101", 1);
        let roster = site.env.write(
            "驻村干部花名册.csv",
            encoding_rs::GBK
                .encode(&csv(
                    "姓名,证件号码,所驻村代码,驻村职务,派出单位,派出单位级别,驻村时间",
                    &[&format!(
                        "张明,{secretary},620102010201,第一书记,省农业农村厅,省直,2025-03-01"
                    )],
                ))
                .0,
        );
        by_id(&c, "work-teams-file")
            .await
            .send_keys(&roster.to_string_lossy())
            .await
            .unwrap();
        click(&c, "upload-work-teams").await;
        wait_for(&c, "//*[@id='work-teams-import-result']").await;
        assert_eq!(text_of(&c, "team-members").await, "1");
        let listed = text_of(&c, "work-teams-members").await;
        assert!(
            listed.contains("张明") && !listed.contains(&secretary),
            "{listed}"
        );
        assert_no_sideways_scroll(&c, "work teams").await;
        shot(&c, "08d-work-teams").await;

        // Phone checks: a cadre in post drawn at random, the call's result recorded.
        by_id(&c, "phone-checks-link").await.click().await.unwrap();
        wait_for(&c, "//h1[contains(., '电话抽查')]").await;
        click(&c, "draw-checks").await;
        wait_for(&c, "//table[@id='phone-checks']//td[contains(., '张明')]").await;
        c.find(Locator::Css("select[data-check='1']"))
            .await
            .unwrap()
            .select_by_value("在岗")
            .await
            .unwrap();
        c.find(Locator::Css("button[data-record='1']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(
            &c,
            "//table[@id='phone-checks']//b[@class='result' and contains(., '在岗')]",
        )
        .await;
        assert_eq!(text_of(&c, "checks-rate").await, "100.00%");
        shot(&c, "08d1-phone-checks").await;

        // Cooperation: the county's ledger uploaded, a program's indicators shown with their rate.
        click_link(&c, "重点工作").await;
        c.find(Locator::LinkText("协作帮扶"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '协作帮扶')]").await;
        let cooperation = site.env.write(
            "协作帮扶台账.csv",
            encoding_rs::GBK
                .encode(&csv(
                    "区划代码,年度,帮扶类型,帮扶方,指标,计划,完成",
                    &["620102000000,2026,东西部协作,结对区,财政援助资金,3000,2400"],
                ))
                .0,
        );
        by_id(&c, "cooperation-file")
            .await
            .send_keys(&cooperation.to_string_lossy())
            .await
            .unwrap();
        click(&c, "upload-cooperation").await;
        wait_for(&c, "//*[@id='cooperation-import-result']").await;
        wait_for(
            &c,
            "//tr[@data-indicator='财政援助资金']/td[contains(., '80.00%')]",
        )
        .await;
        shot(&c, "08d2-cooperation").await;

        // Employment: the county's target for the year uploaded, the county shown behind it.
        click_link(&c, "重点工作").await;
        c.find(Locator::LinkText("务工就业"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '务工就业')]").await;
        let year = {
            use chrono::Datelike;
            zhenxing_domain::today_in_china().year()
        };
        let targets = site.env.write(
            "务工就业目标.csv",
            encoding_rs::GBK
                .encode(&csv(
                    "区划代码,县（市、区）,年度,务工就业目标（人）",
                    &[&format!("620102000000,城关区,{year},100000")],
                ))
                .0,
        );
        by_id(&c, "targets-file")
            .await
            .send_keys(&targets.to_string_lossy())
            .await
            .unwrap();
        click(&c, "upload-targets").await;
        wait_for(&c, "//*[@id='targets-import-result']").await;
        wait_for(
            &c,
            "//table[@id='employment-behind']//tr[@data-area='620102000000']",
        )
        .await;
        shot(&c, "08d3-employment").await;

        // Small loans: the banks' ledger uploaded, one loan overdue listed with its borrower's
        // ID number masked.
        click_link(&c, "重点工作").await;
        c.find(Locator::LinkText("小额信贷"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '小额信贷')]").await;
        let loans = site.env.write(
            "小额信贷.csv",
            csv(
                "贷款合同编号,借款人证件号码,借款人姓名,贷款金额（元）,放款日期,到期日期,贷款余额（元）",
                &[&format!("JK1,{},王伟,50000,2023-03-01,2025-03-01,20000", site.wang_id)],
            ),
        );
        by_id(&c, "loans-file")
            .await
            .send_keys(&loans.to_string_lossy())
            .await
            .unwrap();
        click(&c, "upload-loans").await;
        wait_for(&c, "//*[@id='loans-import-result']").await;
        assert_eq!(text_of(&c, "loans-overdue").await, "1");
        let listed = text_of(&c, "loans-overdue-list").await;
        assert!(
            listed.contains("王伟") && !listed.contains(&site.wang_id),
            "{listed}"
        );
        assert_no_sideways_scroll(&c, "loans").await;
        shot(&c, "08e-loans").await;
        // The loan's own page, and the borrower's household listing its loans.
        c.find(Locator::LinkText("JK1"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//h1[contains(., '王伟的贷款')]").await;
        let overdue = text_of(&c, "loan-overdue").await;
        assert!(overdue.contains("已逾期"), "{overdue}");
        assert!(text_of(&c, "loan-history").await.contains("新增"));
        shot(&c, "08e1-loan").await;
        c.find(Locator::LinkText("A001"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//table[@id='household-loans']").await;
        assert!(text_of(&c, "household-loans").await.contains("JK1"));

        // Work news: published from the form, read on its page.
        c.find(Locator::LinkText("政策动态"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        click(&c, "new-post").await;
        choose(&c, "post-kind", "news").await;
        fill(&c, "post-title-input", "城关区召开监测帮扶推进会").await;
        fill(&c, "post-body", "会议部署集中排查。\n各街道按月报送。").await;
        // The meeting's minutes attached (a PDF chosen in the file field).
        let minutes = site
            .env
            .write("会议纪要.pdf", b"%PDF-1.4\n%minutes\n".as_slice());
        by_id(&c, "post-attachments-input")
            .await
            .send_keys(&minutes.to_string_lossy())
            .await
            .unwrap();
        click(&c, "publish").await;
        wait_for(
            &c,
            "//h1[@id='post-title' and contains(., '城关区召开监测帮扶推进会')]",
        )
        .await;
        let text = text_of(&c, "post").await;
        assert!(text.contains("各街道按月报送。"), "{text}");
        assert!(
            text_of(&c, "post-attachments")
                .await
                .contains("会议纪要.pdf")
        );
        shot(&c, "08f-post").await;
        // Withdrawn by who published it: asked first (the page's own script, no inline
        // handler), then gone from the list.
        click(&c, "withdraw-post").await;
        let mut asked = None;
        for _ in 0..50 {
            match c.get_alert_text().await {
                Ok(text) => {
                    asked = Some(text);
                    break;
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            }
        }
        let asked = asked.expect("a question before withdrawing");
        assert!(asked.contains("确定撤回"), "{asked}");
        c.accept_alert().await.unwrap();
        wait_for(&c, "//h1[contains(., '政策动态')]").await;
        let body = c.source().await.unwrap();
        assert!(!body.contains("城关区召开监测帮扶推进会"), "withdrawn");

        // Log out: back at the login page, and the old page is gone.
        c.find(Locator::Id("logout"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, "//button[@id='login']").await;
        c.goto(&format!("{base}/households/A001")).await.unwrap();
        wait_for(&c, "//button[@id='login']").await;
        assert!(c.current_url().await.unwrap().path().starts_with("/login"));
        shot(&c, "08-logged-out").await;

        // The API's description, rendered by the vendored Swagger UI.
        c.goto(&format!("{base}/api/docs")).await.unwrap();
        wait_for(&c, "//*[contains(@class, 'opblock-summary-path')]").await;
        let paths = c
            .find_all(Locator::Css(".opblock-summary-path"))
            .await
            .unwrap();
        assert!(paths.len() >= 6, "{} operations shown", paths.len());
        shot(&c, "09-api-docs").await;
    };
    // Close the browser whatever happened, then report.
    let outcome = tokio::time::timeout(Duration::from_secs(180), result).await;
    let _ = c.close().await;
    let _ = stop.send(());
    let _ = server.await;
    outcome.expect("the browser story took over 3 minutes");
}

/// A 1×1 PNG: a real picture for the visit's photo.
const PNG: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// A photo as a phone takes it, too large to send as it is: `width` × `height` pixels of a
/// gradient, as an uncompressed PNG (3 bytes a pixel).
fn big_png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut raw = Vec::with_capacity(((width * 3 + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // no filter
        for x in 0..width {
            raw.extend_from_slice(&[(x * 255 / width) as u8, (y * 255 / height) as u8, 128]);
        }
    }
    // zlib with stored blocks: no compression, so the file is as large as its pixels.
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for x in &raw {
        a = (a + u32::from(*x)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &z);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// Two relocated households of the county (620102): RL1 with a migrant worker, RL2 whose one
/// member with labour has no work.
async fn seed_relocated(site: &Site) {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h.csv");
    let m = dir.path().join("m.csv");
    std::fs::write(
        &h,
        csv(
            "户编号,所在村代码,户主姓名,家庭人口数,是否脱贫户,是否易地扶贫搬迁户,安置点",
            &[
                "RL1,620102001001,王务工,1,是,是,东岗安置区",
                "RL2,620102001001,赵待业,2,是,是,东岗安置区",
            ],
        ),
    )
    .unwrap();
    let p = |birth: &str, seq: u32| id("620102", birth, seq);
    std::fs::write(
        &m,
        csv(
            "户编号,证件号码,姓名,与户主关系,劳动技能,务工地点",
            &[
                &format!("RL1,{},王务工,户主,普通劳动力,省外", p("19800301", 61)),
                &format!("RL2,{},赵待业,户主,普通劳动力,", p("19800302", 62)),
                &format!("RL2,{},赵妻,配偶,无劳动力,", p("19800303", 63)),
            ],
        ),
    )
    .unwrap();
    let report = site
        .app()
        .import(
            &zhenxing_app::import::ImportRequest {
                households: Some(h),
                members: Some(m),
                actor: zhenxing_app::store::Actor {
                    user_id: None,
                    name: "搬迁".into(),
                },
                scope: zhenxing_domain::Scope::All,
            },
            &zhenxing_app::NoProgress,
        )
        .await
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

/// Follows the link with this text.
async fn click_link(c: &Client, text: &str) {
    c.find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|e| panic!("link {text}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn by_id(c: &Client, id: &str) -> fantoccini::elements::Element {
    wait_for(c, &format!("//*[@id='{id}']")).await
}

async fn click(c: &Client, id: &str) {
    by_id(c, id).await.click().await.unwrap();
}

/// Replaces the text of an input.
async fn fill(c: &Client, id: &str, text: &str) {
    let e = by_id(c, id).await;
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

async fn choose(c: &Client, id: &str, value: &str) {
    by_id(c, id).await.select_by_value(value).await.unwrap();
}

/// Waits for `ok`; a page showing `#<error>` instead fails with its message.
async fn wait_done(c: &Client, ok: &str, error: &str) {
    for _ in 0..200 {
        if c.find(Locator::XPath(ok)).await.is_ok() {
            return;
        }
        if let Ok(e) = c.find(Locator::Id(error)).await {
            panic!("{ok}: {}", e.text().await.unwrap_or_default());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waiting for {ok}");
}

async fn login(c: &Client, base: &str, name: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "name", name).await;
    fill(c, "password", PASSWORD).await;
    click(c, "login").await;
    wait_for(c, &format!("//span[@id='whoami' and text()='{name}']")).await;
}

async fn logout(c: &Client) {
    click(c, "logout").await;
    wait_for(c, "//button[@id='login']").await;
}

/// Takes the step `name` on the open case page, dated `on`.
async fn step(c: &Client, name: &str, label: &str, opinion: &str, on: &str, promise: bool) {
    fill(c, &format!("opinion-{name}"), opinion).await;
    fill(c, &format!("on-{name}"), on).await;
    if promise {
        click(c, &format!("promise-{name}")).await;
    }
    click(c, &format!("submit-{name}")).await;
    wait_done(
        c,
        &format!("//p[@id='step-done' and contains(., '已办理：{label}')]"),
        "step-error",
    )
    .await;
}

/// The page is no wider than the window (a wide table scrolls in its own box).
async fn assert_no_sideways_scroll(c: &Client, page: &str) {
    assert_no_wider_than(c, page, "window.innerWidth", "window").await;
}

/// On a phone the page is no wider than the screen (its layout viewport grows with the page,
/// so the page is compared with the screen's width, not with `innerWidth`).
async fn assert_fits_phone(c: &Client, page: &str) {
    assert_no_wider_than(c, page, "screen.width", "phone").await;
}

async fn assert_no_wider_than(c: &Client, page: &str, width: &str, what: &str) {
    let v = c
        .execute(
            &format!("return [document.documentElement.scrollWidth, {width}];"),
            vec![],
        )
        .await
        .unwrap();
    let (page_width, room): (u64, u64) = serde_json::from_value(v).unwrap();
    assert!(
        page_width <= room,
        "{page}: the page is {page_width}px wide in a {room}px {what}"
    );
}

/// Chooses `photo` (too large to send as it is) in the file field `id`, and waits until the
/// page has shrunk it (its note `{id}-shrunk`).
async fn choose_big_photo(c: &Client, id: &str, photo: &std::path::Path) {
    by_id(c, id)
        .await
        .send_keys(&photo.to_string_lossy())
        .await
        .unwrap();
    wait_for(
        c,
        &format!("//p[@id='{id}-shrunk' and contains(., '已压缩1张照片')]"),
    )
    .await;
}

/// The drafts the browser keeps of forms named `kind:…`.
async fn drafts(c: &Client, kind: &str) -> Vec<String> {
    let v = c
        .execute(
            &format!(
                "return Object.keys(localStorage).filter(k => k.startsWith('zx-draft:{kind}:'));"
            ),
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

/// Chromium's own command (DevTools protocol) through the driver: `cmd` with `params`.
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(serde_json::json!({"cmd": self.cmd, "params": self.params}).to_string()),
        )
    }
}

/// The page as it prints (CSS `@media print`), or back on the screen.
async fn print_media(c: &Client, print: bool) {
    c.issue_cmd(DevTools {
        cmd: "Emulation.setEmulatedMedia",
        params: serde_json::json!({"media": if print { "print" } else { "" }}),
    })
    .await
    .unwrap();
}

/// The text of column `col` of every body row of table `id`.
async fn table_column(c: &Client, id: &str, col: usize) -> Vec<String> {
    let v = c
        .execute(
            "var col = arguments[1];\
             return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))\
             .map(function (r) { return r.cells[col].textContent.trim(); });",
            vec![id.into(), col.into()],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

/// The data ECharts draws in `id`: categories and each series' values (once it is drawn).
async fn chart_data(c: &Client, id: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    for _ in 0..100 {
        let v = c
            .execute(
                "var el = document.getElementById(arguments[0]);\
                 var ch = el && window.echarts && echarts.getInstanceByDom(el);\
                 if (!ch) { return null; }\
                 var o = ch.getOption();\
                 return [o.xAxis[0].data, o.series.map(function (s) { return s.data; })];",
                vec![id.into()],
            )
            .await
            .unwrap();
        if !v.is_null() {
            return serde_json::from_value(v).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chart {id} was never drawn");
}

fn percents(cells: &[String]) -> Vec<f64> {
    cells
        .iter()
        .map(|c| c.trim_end_matches('%').parse().unwrap_or(0.0))
        .collect()
}

/// One household from a cadre's clue to the county's approval, its plan and visit, and on to
/// the elimination of its risk, by a village cadre, a township officer and a county officer,
/// each with the steps of their role; then the county's dashboard (the charts drawn by ECharts
/// show the numbers of their tables), a dispatch report and the public application form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_story_case_from_clue_to_approval_to_elimination() {
    let Some(webdriver) = webdriver_url() else {
        return;
    };
    let site = Site::new().await;
    let h = site.env.write(
        "c101.csv",
        csv(H_HEADER, &["C101,620102010201,陈明,3,9000,否,,,,否,"]),
    );
    site.env.import(Some(&h), None).await.unwrap();
    crate::web_monitoring::dashboard_data(&site).await;
    let photo = site.env.write("走访照片.png", PNG);
    let big_photo = site.env.write("手机照片.png", big_png(2400, 1800));
    let today = zhenxing_domain::today_in_china();
    let day = |n: i64| {
        (today - chrono::Duration::days(n))
            .format("%Y-%m-%d")
            .to_string()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(zhenxing_web::serve_on(
        listener,
        site.app().clone(),
        false,
        async move {
            let _ = stopped.await;
        },
    ));
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&webdriver, profile.path()).await;
    let result = async {
        // The village cadre records the clue (a visit finding) about 陈明's household.
        login(&c, &base, "a_cadre").await;
        c.goto(&format!("{base}/monitoring/clues")).await.unwrap();
        fill(&c, "clue-household", "C101").await;
        click(&c, "clue-risk-1").await;
        fill(&c, "clue-source", "村干部走访发现").await;
        fill(&c, "clue-found-on", &day(240)).await;
        shot(&c, "10-clue-form").await;
        click(&c, "record-clue").await;
        wait_done(&c, "//p[@id='clue-result']", "clue-error").await;
        shot(&c, "11-clue-recorded").await;
        click(&c, "open-case").await;
        wait_for(&c, "//h1[@id='case-title' and contains(., '识别纳入')]").await;
        let case_url = c.current_url().await.unwrap().to_string();
        assert!(
            c.find(Locator::Id("step-township_review")).await.is_err(),
            "a village cadre has no township review"
        );
        shot(&c, "12-case").await;

        // The village's steps.
        step(
            &c,
            "visit",
            "入户核实",
            "入户核实，因病支出大，情况属实",
            &day(239),
            true,
        )
        .await;
        step(
            &c,
            "compare",
            "数据比对",
            "医保数据比对无异常",
            &day(238),
            false,
        )
        .await;
        step(
            &c,
            "village_review",
            "民主评议",
            "村民代表评议通过",
            &day(237),
            false,
        )
        .await;
        // The public notice of the village: the household, no ID number or phone.
        c.goto(&format!("{base}/monitoring/notice/{V1}"))
            .await
            .unwrap();
        let notice = wait_for(&c, "//table[@id='notice-rows']").await;
        let text = notice.text().await.unwrap();
        assert!(
            text.contains("陈明") && text.contains("拟纳入监测对象"),
            "{text}"
        );
        shot(&c, "13-notice").await;
        c.goto(&case_url).await.unwrap();
        step(
            &c,
            "close_notice",
            "公示结束",
            "公示期满无异议",
            &day(231),
            false,
        )
        .await;
        logout(&c).await;

        // The township officer finds it in the week's queue and reviews it.
        login(&c, &base, "a_township").await;
        c.goto(&format!("{base}/monitoring")).await.unwrap();
        let link = wait_for(&c, "//table[@id='my-cases']//a[contains(., '号')]").await;
        shot(&c, "14-township-queue").await;
        link.click().await.unwrap();
        step(
            &c,
            "township_review",
            "乡镇审核",
            "同意上报",
            &day(230),
            false,
        )
        .await;
        logout(&c).await;

        // The county officer approves: 陈明's household is a monitoring object.
        login(&c, &base, "a_officer").await;
        c.goto(&case_url).await.unwrap();
        step(
            &c,
            "county_approval",
            "县级审批",
            "同意纳入监测",
            &day(229),
            false,
        )
        .await;
        let facts = by_id(&c, "case-facts").await.text().await.unwrap();
        assert!(facts.contains("审批通过"), "{facts}");
        shot(&c, "15-approved").await;
        logout(&c).await;

        // The cadre: the plan (a measure on the risk), a visit with a photo.
        login(&c, &base, "a_cadre").await;
        c.goto(&format!("{base}/households/C101")).await.unwrap();
        click(&c, "open-plan").await;
        fill(&c, "plan-cadre-name", "a_cadre").await;
        choose(&c, "plan-measure-1", "medical_assistance").await;
        choose(&c, "plan-risk-1", "1").await;
        fill(&c, "plan-starts-1", &day(228)).await;
        choose(&c, "plan-status-1", "3").await;
        click(&c, "save-plan").await;
        wait_done(&c, "//p[@id='plan-saved']", "plan-error").await;
        shot(&c, "16-plan").await;
        c.goto(&format!("{base}/households/C101/visits"))
            .await
            .unwrap();
        fill(&c, "visit-date", &day(200)).await;
        for check in crate::web_monitoring::CHECKS {
            click(&c, &format!("check-{check}-ok")).await;
        }
        fill(&c, "visit-income", "9000").await;
        fill(&c, "visit-finding", "医疗救助已落实，收入稳定").await;
        by_id(&c, "visit-photos")
            .await
            .send_keys(&photo.to_string_lossy())
            .await
            .unwrap();
        click(&c, "record-visit").await;
        wait_done(&c, "//p[@id='visit-saved']", "visit-error").await;
        wait_for(&c, "//table[@id='visit-log']//img[@class='thumb']").await;
        shot(&c, "17-visits").await;

        // The elimination proposal: every blocker passes, and the case opens.
        c.goto(&format!("{base}/households/C101")).await.unwrap();
        click(&c, "open-elimination").await;
        fill(&c, "elimination-on", &day(10)).await;
        fill(&c, "elimination-months", "8").await;
        choose(&c, "elimination-spending", "yes").await;
        click(&c, "propose-elimination").await;
        wait_done(&c, "//p[@id='elimination-case']", "elimination-error").await;
        let verdict = by_id(&c, "blockers").await.text().await.unwrap();
        assert!(!verdict.contains("未通过"), "{verdict}");
        assert_eq!(
            c.find_all(Locator::Css("#blockers tbody tr"))
                .await
                .unwrap()
                .len(),
            7
        );
        shot(&c, "18-elimination-verdict").await;
        click(&c, "open-elimination-case").await;
        wait_for(&c, "//h1[@id='case-title' and contains(., '风险消除')]").await;
        let elimination_url = c.current_url().await.unwrap().to_string();
        step(
            &c,
            "visit",
            "入户核实",
            "核实收入稳定，风险已消除",
            &day(9),
            false,
        )
        .await;
        step(
            &c,
            "village_review",
            "民主评议",
            "评议同意消除",
            &day(8),
            false,
        )
        .await;
        step(&c, "close_notice", "公示结束", "公示无异议", &day(2), false).await;
        logout(&c).await;
        login(&c, &base, "a_township").await;
        c.goto(&elimination_url).await.unwrap();
        step(
            &c,
            "township_review",
            "乡镇审核",
            "同意消除",
            &day(1),
            false,
        )
        .await;
        logout(&c).await;
        login(&c, &base, "a_officer").await;
        c.goto(&elimination_url).await.unwrap();
        step(
            &c,
            "county_approval",
            "县级审批",
            "同意标注风险消除",
            &day(0),
            false,
        )
        .await;
        shot(&c, "19-eliminated").await;
        c.goto(&format!("{base}/households/C101")).await.unwrap();
        let h = wait_for(&c, "//section[h2='监测']")
            .await
            .text()
            .await
            .unwrap();
        assert!(h.contains("帮扶消除") && h.contains(&day(0)), "{h}");

        // The county's dashboard: the charts show the numbers of the tables.
        c.goto(&format!("{base}/dashboard")).await.unwrap();
        wait_for(&c, "//table[@id='trend-table']").await;
        let (names, rates) = chart_data(&c, "chart-rate").await;
        assert_eq!(names, table_column(&c, "children", 0).await);
        assert_eq!(rates[0], percents(&table_column(&c, "children", 8).await));
        assert_eq!(rates[1], percents(&table_column(&c, "children", 9).await));
        let (_, shares) = chart_data(&c, "chart-villages").await;
        assert_eq!(shares[0], percents(&table_column(&c, "villages", 3).await));
        let (dates, series) = chart_data(&c, "chart-trend").await;
        assert_eq!(dates, table_column(&c, "trend-table", 0).await);
        for (i, col) in [1, 2, 3].into_iter().enumerate() {
            let cells: Vec<f64> = table_column(&c, "trend-table", col)
                .await
                .iter()
                .map(|x| x.parse().unwrap())
                .collect();
            assert_eq!(series[i], cells, "trend series {i}");
        }
        assert!(rates[0].iter().any(|r| *r > 0.0));
        // Wide tables scroll within their panel: the page itself never scrolls sideways.
        assert_no_sideways_scroll(&c, "dashboard").await;
        // On paper (a page about as wide as A4's text): every table whole, not cut off by a
        // scroll box (what is wider the browser shrinks to the paper), and no buttons.
        c.set_window_size(720, 1000).await.unwrap();
        print_media(&c, true).await;
        for page in ["/dashboard", "/households/C101"] {
            c.goto(&format!("{base}{page}")).await.unwrap();
            wait_for(&c, "//main").await;
            let v = c
                .execute(
                    "return [Array.from(document.querySelectorAll('table.data, .panel')) \
                     .filter(t => getComputedStyle(t).overflowX !== 'visible' \
                     && getComputedStyle(t).display !== 'table' \
                     && t.scrollWidth > t.clientWidth + 1).map(t => t.id || t.className), \
                     Array.from(document.querySelectorAll('a.button, button')) \
                     .filter(b => b.offsetParent !== null).length];",
                    vec![],
                )
                .await
                .unwrap();
            let (cut, buttons): (Vec<String>, usize) = serde_json::from_value(v).unwrap();
            assert!(cut.is_empty(), "{page} on paper cuts off {cut:?}");
            assert_eq!(buttons, 0, "{page} on paper shows buttons");
        }
        print_media(&c, false).await;
        c.set_window_size(1280, 1000).await.unwrap();
        c.goto(&format!("{base}/dashboard")).await.unwrap();
        shot(&c, "20-dashboard").await;
        c.goto(&format!("{base}/dashboard?as_of={}", day(300)))
            .await
            .unwrap();
        wait_for(&c, "//h1[@id='dashboard-title' and contains(., '截至')]").await;
        chart_data(&c, "chart-rate").await;
        shot(&c, "21-dashboard-as-of").await;

        // A dispatch report, issued and frozen.
        c.goto(&format!("{base}/reports")).await.unwrap();
        click(&c, "build").await;
        wait_for(&c, "//p[@id='report-status' and contains(., '未发布')]").await;
        click(&c, "issue-report").await;
        wait_for(&c, "//p[@id='report-status' and contains(., '已冻结')]").await;
        assert_no_sideways_scroll(&c, "report").await;
        shot(&c, "22-report").await;
        c.goto(&format!("{base}/monitoring/policy")).await.unwrap();
        wait_for(&c, "//dl[@id='policy-summary']").await;
        shot(&c, "23-policy").await;
        logout(&c).await;

        // A household applies by itself, without logging in (the village's QR code).
        c.goto(&format!("{base}/apply?village={V1}")).await.unwrap();
        fill(&c, "apply-name", "郑红").await;
        fill(&c, "apply-id", &id("620102", "19820303", 8)).await;
        fill(&c, "apply-size", "3").await;
        click(&c, "apply-risk-2").await;
        shot(&c, "24-apply").await;
        click(&c, "apply-submit").await;
        wait_done(&c, "//p[@id='apply-done']", "apply-error").await;
        shot(&c, "25-applied").await;
    };
    let outcome = tokio::time::timeout(Duration::from_secs(300), result).await;
    let _ = c.close().await;
    outcome.expect("the browser story took over 5 minutes");

    // On a phone, where the village cadre visits and the household applies: no page wider
    // than the screen, and a visit's checklist answered without scrolling sideways.
    let profile = tempfile::tempdir().unwrap();
    let c = phone(&webdriver, profile.path()).await;
    let result = async {
        login(&c, &base, "a_cadre").await;
        for page in [
            "/",
            "/households/C101",
            "/households/C101/visits",
            "/households/C101/plan",
            "/monitoring",
            "/monitoring/clues",
            "/monitoring/visits-due",
            "/monitoring/screening",
            "/dashboard",
            "/attendance",
            "/work-logs",
            "/posts",
            "/apply/poster",
        ] {
            c.goto(&format!("{base}{page}")).await.unwrap();
            wait_for(&c, "//main").await;
            assert_fits_phone(&c, page).await;
        }
        c.goto(&format!("{base}/households/C101/visits"))
            .await
            .unwrap();
        // Each item's question reads across the screen, its answers and note below it.
        let v = c
            .execute(
                "return Array.from(document.querySelectorAll('#visit-checks tr')).map(r => \
                 [r.cells[0].getBoundingClientRect().width / screen.width, \
                  Array.from(r.querySelectorAll('input')) \
                  .every(e => e.getBoundingClientRect().right <= screen.width)]);",
                vec![],
            )
            .await
            .unwrap();
        let rows: Vec<(f64, bool)> = serde_json::from_value(v).unwrap();
        assert_eq!(rows.len(), crate::web_monitoring::CHECKS.len());
        assert!(
            rows.iter().all(|(share, within)| *share > 0.6 && *within),
            "the checklist is squeezed or lies past the phone's edge: {rows:?}"
        );
        // What is typed is kept in the browser until the visit is saved: the page opened
        // again (the signal lost, the send failed) gives it back.
        fill(&c, "visit-finding", "草稿：家中老人住院，待核实报销").await;
        click(&c, "check-housing-problem").await;
        c.goto(&format!("{base}/households/C101")).await.unwrap();
        c.goto(&format!("{base}/households/C101/visits"))
            .await
            .unwrap();
        wait_for(&c, "//p[@id='visit-form-draft']").await;
        assert_eq!(
            by_id(&c, "visit-finding")
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some("草稿：家中老人住院，待核实报销")
        );
        assert!(
            by_id(&c, "check-housing-problem")
                .await
                .is_selected()
                .await
                .unwrap()
        );
        // A photo as a phone takes it (over the 2 MB a photo may have) is shrunk before it is
        // sent, and the visit is recorded with it.
        assert!(big_photo.metadata().unwrap().len() > 2 * 1024 * 1024);
        fill(&c, "visit-date", &day(0)).await;
        for check in crate::web_monitoring::CHECKS {
            click(&c, &format!("check-{check}-ok")).await;
        }
        choose_big_photo(&c, "visit-photos", &big_photo).await;
        shot(&c, "26-phone-visit").await;
        click(&c, "record-visit").await;
        wait_done(&c, "//p[@id='visit-saved']", "visit-error").await;
        let v = c
            .execute(
                "const img = document.querySelector('#visit-log tbody tr img.thumb'); \
                 return fetch(img.getAttribute('src')).then(r => r.blob()) \
                 .then(b => [b.type, b.size]);",
                vec![],
            )
            .await
            .unwrap();
        let (kind, size): (String, u64) = serde_json::from_value(v).unwrap();
        assert_eq!(kind, "image/jpeg");
        assert!(size <= 2 * 1024 * 1024, "{size} bytes");
        // Saved: the draft is let go, the page opens empty again.
        assert_eq!(
            drafts(&c, "visit").await,
            [""; 0],
            "the visit's draft outlived it"
        );
        assert!(c.find(Locator::Id("visit-form-draft")).await.is_err());
        // The day's work log with the same photo, shrunk the same way.
        c.goto(&format!("{base}/work-logs")).await.unwrap();
        fill(&c, "work-log-body", "入户走访陈明户，拍照留存").await;
        choose_big_photo(&c, "work-log-photos", &big_photo).await;
        click(&c, "write-work-log").await;
        wait_for(&c, "//table[@id='work-logs']//img[@class='thumb']").await;
        wait_for(&c, "//p[@id='work-log-saved']").await;
        assert_eq!(
            drafts(&c, "work-log").await,
            [""; 0],
            "the log's draft outlived it"
        );
        assert_fits_phone(&c, "work logs with a photo").await;
        shot(&c, "27-phone-work-log").await;
        logout(&c).await;
        c.goto(&format!("{base}/apply?village={V1}")).await.unwrap();
        wait_for(&c, "//input[@id='apply-name']").await;
        assert_fits_phone(&c, "apply").await;
        shot(&c, "28-phone-apply").await;
    };
    let outcome = tokio::time::timeout(Duration::from_secs(120), result).await;
    let _ = c.close().await;
    let _ = stop.send(());
    let _ = server.await;
    outcome.expect("the phone's pages took over 2 minutes");
}
