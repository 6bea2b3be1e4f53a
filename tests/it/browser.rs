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
        assert_eq!(
            c.find(Locator::Id("whoami"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            "a_officer"
        );
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
        c.goto(&format!("{base}/import")).await.unwrap();
        let input = wait_for(&c, "//input[@id='households-file']").await;
        input.send_keys(&ledger.to_string_lossy()).await.unwrap();
        c.find(Locator::Id("import"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let errors = wait_for(&c, "//table[@id='row-errors']").await;
        let text = errors.text().await.unwrap();
        assert!(
            text.contains("620102019999") && text.contains("所在村代码"),
            "{text}"
        );
        let result = c
            .find(Locator::Id("import-result"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            result.contains("新增1户") && result.contains("拒绝1行"),
            "{result}"
        );
        shot(&c, "07-import").await;

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
