//! 申报二维码: a village's poster for its notice board — the QR code of the public application
//! form (`/apply?village=CODE`, DOMAIN §6, channel 1) with the village's name, what to do and a
//! telephone to call, printed on A4. Nothing of it is kept: the address the phones reach and
//! the telephone are the form's, the address guessed from the request until changed.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::Deserialize;
use zhenxing_domain::{AreaCode, AreaLevel};

use crate::auth::PageUser;
use crate::error::{PageError, WebError};
use crate::pages::areas::area_or_own;
use crate::state::AppState;
use crate::views::{UserCtx, render};

#[derive(Template)]
#[template(path = "monitoring/apply_poster.html")]
struct PosterPage {
    title: String,
    user: Option<UserCtx>,
    /// The area asked for (a village, or a township whose villages all get one).
    area: String,
    /// Every village of a township at once.
    all: bool,
    /// The posters: one for a village, one a village for a township's all.
    posters: Vec<Poster>,
    /// Otherwise the villages or areas one level down to choose from: (code, name).
    choose: Vec<(String, String)>,
    /// A township chosen: it may print all its villages' at once.
    township: bool,
    address: String,
    phone: String,
}

struct Poster {
    /// The village's full name (province to village).
    name: String,
    /// The form's address for the village.
    url: String,
    /// The QR code of `url`, an inline SVG.
    qr: String,
}

#[derive(Debug, Deserialize)]
pub struct PosterQuery {
    /// The village (or an area above it, to choose one); the caller's own area when absent.
    pub village: Option<String>,
    /// The address households' phones reach this server at, e.g. https://fpjc.example.gov.cn.
    pub address: Option<String>,
    /// A telephone to call instead (咨询电话), printed under the code.
    pub phone: Option<String>,
    /// `1`: every village of the township given, a poster a page.
    pub all: Option<String>,
}

/// The address the request came to (behind a proxy, what it says it forwarded).
fn origin(headers: &HeaderMap, https: bool) -> String {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.split(',').next().unwrap_or("").trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let host = text("x-forwarded-host")
        .or_else(|| text(header::HOST.as_str()))
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let scheme = text("x-forwarded-proto")
        .filter(|p| p == "http" || p == "https")
        .unwrap_or_else(|| if https { "https" } else { "http" }.to_string());
    format!("{scheme}://{host}")
}

/// An address given on the form: http(s), no spaces, at most 200 characters.
fn address(given: &str) -> Result<String, WebError> {
    let a = given.trim().trim_end_matches('/');
    let rest = a
        .strip_prefix("https://")
        .or_else(|| a.strip_prefix("http://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && a.chars().count() <= 200
                && !a
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#') =>
        {
            Ok(a.to_string())
        }
        _ => Err(WebError::BadRequest(format!(
            "网址“{given}”无效：应以 http:// 或 https:// 开头，如 https://fpjc.example.gov.cn，不含空格"
        ))),
    }
}

/// The QR code of `text` as an inline SVG (no XML declaration: it sits in the page).
pub fn qr_svg(text: &str) -> Result<String, WebError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| WebError::BadRequest(format!("网址太长，生成不了二维码：{e}")))?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(280, 280)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok(match svg.find("<svg") {
        Some(at) => svg[at..].to_string(),
        None => svg,
    })
}

/// `/apply/poster`
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    Query(q): Query<PosterQuery>,
) -> Result<Response, PageError> {
    let area: AreaCode = area_or_own(q.village.as_deref(), user.caller.user.area)?;
    if !user.caller.scope().contains(area) {
        return Err(WebError::NotFound.into());
    }
    let address = match q.address.as_deref().filter(|a| !a.trim().is_empty()) {
        Some(a) => address(a)?,
        None => origin(&headers, state.secure_cookies),
    };
    let phone: String = q
        .phone
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(40)
        .collect();
    let tree = state.app.tree().await;
    let Some(division) = tree.get(area) else {
        return Err(WebError::NotFound.into());
    };
    let all = q.all.as_deref() == Some("1") && division.level == AreaLevel::Township;
    let full_name = |code: AreaCode| {
        tree.path(code)
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join("")
    };
    let villages: Vec<AreaCode> = if division.level == AreaLevel::Village {
        vec![area]
    } else if all {
        tree.children(area).to_vec()
    } else {
        Vec::new()
    };
    let mut posters = Vec::with_capacity(villages.len());
    for v in villages {
        let url = format!("{address}/apply?village={v}");
        posters.push(Poster {
            name: full_name(v),
            qr: qr_svg(&url)?,
            url,
        });
    }
    let choose = if posters.is_empty() {
        tree.children(area)
            .iter()
            .filter_map(|c| tree.get(*c))
            .map(|d| (d.code.to_string(), d.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let title = match posters.as_slice() {
        [one] => format!("申报二维码 · {}", one.name),
        _ => format!("申报二维码 · {}", division.name),
    };
    let township = division.level == AreaLevel::Township;
    drop(tree);
    Ok(render(&PosterPage {
        title,
        user: Some(UserCtx::of(&state, &user).await),
        area: area.to_string(),
        all,
        posters,
        choose,
        township,
        address,
        phone,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_guessed_from_the_request_and_checked_when_given() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "10.0.0.5:8080".parse().unwrap());
        assert_eq!(origin(&h, false), "http://10.0.0.5:8080");
        h.insert("x-forwarded-host", "fpjc.example.gov.cn".parse().unwrap());
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(origin(&h, false), "https://fpjc.example.gov.cn");
        assert_eq!(
            address(" https://fpjc.example.gov.cn/ ").unwrap(),
            "https://fpjc.example.gov.cn"
        );
        for bad in [
            "fpjc.example.gov.cn",
            "https://",
            "javascript:alert(1)",
            "http://a b",
            "https://x?y=1",
        ] {
            assert!(address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_code_is_an_svg_of_dark_modules() {
        let svg = qr_svg("http://127.0.0.1:8080/apply?village=620102001001").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("fill=\"#000000\""), "{svg}");
        // A longer address makes a larger code (more modules), never an error at this size.
        assert!(
            qr_svg(&format!(
                "https://{}.gov.cn/apply?village=620102001001",
                "x".repeat(150)
            ))
            .is_ok()
        );
    }
}
