//! Every route, in one table: the router is built from it and the access test walks it, so a
//! route cannot be added without the test trying it as an outsider and as a stranger.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, patch, post, put};

use crate::state::AppState;
use crate::{api, assets, pages};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the login page, assets, the API's description.
    Public,
    /// A signed-in browser user; others are sent to the login page.
    Page,
    /// A token or a session; others get 401 JSON.
    Api,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

/// Largest upload of ledgers (a province's xlsx is ~100 MB).
pub const UPLOAD_LIMIT: usize = 512 * 1024 * 1024;

/// Largest visit: nine photos of 2 MB and the form.
const VISIT_LIMIT: usize = 20 * 1024 * 1024;

/// Largest disaster list.
const LIST_LIMIT: usize = 64 * 1024 * 1024;
/// A post with its attachments: five files of 20 MB at most, and the form (base64 over the
/// API: a third more).
const POST_LIMIT: usize = 140 * 1024 * 1024;

fn table() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    use Access::*;
    let r = |method, path, access| RouteSpec {
        method,
        path,
        access,
    };
    let upload = DefaultBodyLimit::max(UPLOAD_LIMIT);
    let visit = DefaultBodyLimit::max(VISIT_LIMIT);
    let list = DefaultBodyLimit::max(LIST_LIMIT);
    use pages::monitoring as m;
    vec![
        (r("GET", "/login", Public), get(pages::login::show)),
        (r("POST", "/login", Public), post(pages::login::submit)),
        (
            r("GET", "/assets/{*path}", Public),
            get(assets::serve_asset),
        ),
        (r("GET", "/api/docs", Public), get(assets::api_docs)),
        (r("GET", "/api/v1/openapi.json", Public), get(api::openapi)),
        (r("GET", "/healthz", Public), get(|| async { "ok" })),
        (r("POST", "/logout", Page), post(pages::login::logout)),
        (r("GET", "/", Page), get(pages::login::home)),
        (r("GET", "/areas/{code}", Page), get(pages::areas::show)),
        (r("GET", "/households", Page), get(pages::households::list)),
        (
            r("GET", "/households.xlsx", Page),
            get(pages::households::list_xlsx),
        ),
        (
            r("GET", "/households/{no}", Page),
            get(pages::households::show),
        ),
        (
            r("POST", "/households/{no}/reveal", Page),
            post(pages::households::reveal),
        ),
        (
            r("POST", "/households/{no}/close", Page),
            post(pages::households::close),
        ),
        (
            r("GET", "/households/{no}/members/new", Page),
            get(pages::members::new_form),
        ),
        (
            r("POST", "/households/{no}/members/new", Page),
            post(pages::members::add),
        ),
        (
            r("GET", "/households/{no}/members/{at}", Page),
            get(pages::members::edit_form),
        ),
        (
            r("POST", "/households/{no}/members/{at}", Page),
            post(pages::members::edit),
        ),
        (
            r("POST", "/households/{no}/members/{at}/leave", Page),
            post(pages::members::leave),
        ),
        (
            r("GET", "/households/{no}/edit", Page),
            get(pages::households::edit_form),
        ),
        (
            r("POST", "/households/{no}/edit", Page),
            post(pages::households::edit),
        ),
        (r("GET", "/import", Page), get(pages::ledgers::form)),
        (
            r("POST", "/import", Page),
            post(pages::ledgers::submit).layer(upload),
        ),
        (
            r("GET", "/progress/{token}", Page),
            get(crate::progress::show),
        ),
        (
            r("GET", "/imports/{id}/errors", Page),
            get(pages::ledgers::error_report),
        ),
        (
            r("GET", "/imports/{id}/rejected-rows", Page),
            get(pages::ledgers::rejected_rows),
        ),
        (r("GET", "/export", Page), get(pages::ledgers::export)),
        (
            r("GET", "/registry-checks", Page),
            get(pages::registry::report),
        ),
        (
            r("GET", "/registry-checks/xlsx", Page),
            get(pages::registry::xlsx),
        ),
        (
            r("GET", "/relocation", Page),
            get(pages::relocation::report),
        ),
        (
            r("GET", "/relocation/xlsx", Page),
            get(pages::relocation::xlsx),
        ),
        (r("GET", "/work", Page), get(pages::work::show)),
        (r("GET", "/attendance", Page), get(pages::attendance::show)),
        (
            r("POST", "/attendance", Page),
            post(pages::attendance::check_in),
        ),
        (
            r("POST", "/attendance/leave", Page),
            post(pages::attendance::request_leave),
        ),
        (
            r("POST", "/attendance/leave/{id}", Page),
            post(pages::attendance::decide_leave),
        ),
        (
            r("POST", "/attendance/leave/{id}/withdraw", Page),
            post(pages::attendance::withdraw_leave),
        ),
        (r("GET", "/posts", Page), get(pages::posts::list)),
        (
            r("POST", "/posts", Page),
            post(pages::posts::create).layer(DefaultBodyLimit::max(POST_LIMIT)),
        ),
        (r("GET", "/posts/new", Page), get(pages::posts::new)),
        (r("GET", "/posts/{id}", Page), get(pages::posts::show)),
        (
            r("GET", "/posts/{id}/attachments/{n}", Page),
            get(pages::posts::attachment),
        ),
        (
            r("POST", "/posts/{id}/withdraw", Page),
            post(pages::posts::withdraw),
        ),
        (r("GET", "/loans", Page), get(pages::loans::list)),
        (
            r("POST", "/loans", Page),
            post(pages::loans::upload).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (r("GET", "/loans/xlsx", Page), get(pages::loans::xlsx)),
        (
            r("GET", "/loans/{county}/{no}", Page),
            get(pages::loans::show),
        ),
        (
            r("GET", "/construction", Page),
            get(pages::construction::list),
        ),
        (
            r("POST", "/construction", Page),
            post(pages::construction::upload).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/construction/xlsx", Page),
            get(pages::construction::xlsx),
        ),
        (
            r("GET", "/construction/figures.xlsx", Page),
            get(pages::construction::figures_xlsx),
        ),
        (
            r("GET", "/construction/{county}/{no}", Page),
            get(pages::construction::show),
        ),
        (r("GET", "/work-teams", Page), get(pages::work_teams::list)),
        (
            r("POST", "/work-teams/trainings", Page),
            post(pages::work_teams::upload_trainings).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/work-teams/phone-checks", Page),
            get(pages::phone_checks::show),
        ),
        (
            r("GET", "/work-teams/phone-checks/xlsx", Page),
            get(pages::phone_checks::xlsx),
        ),
        (
            r("POST", "/work-teams/phone-checks/draw", Page),
            post(pages::phone_checks::draw),
        ),
        (
            r("POST", "/work-teams/phone-checks/{county}/{no}", Page),
            post(pages::phone_checks::record),
        ),
        (
            r("POST", "/work-teams/phone-checks/{county}/{no}/phone", Page),
            post(pages::phone_checks::phone),
        ),
        (
            r("POST", "/work-teams", Page),
            post(pages::work_teams::upload).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/work-teams/xlsx", Page),
            get(pages::work_teams::xlsx),
        ),
        (
            r("GET", "/cooperation", Page),
            get(pages::cooperation::list),
        ),
        (
            r("POST", "/cooperation", Page),
            post(pages::cooperation::upload).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/cooperation/xlsx", Page),
            get(pages::cooperation::xlsx),
        ),
        (
            r("GET", "/employment", Page),
            get(pages::employment::report),
        ),
        (
            r("POST", "/employment/targets", Page),
            post(pages::employment::upload).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/employment/xlsx", Page),
            get(pages::employment::xlsx),
        ),
        (
            r("GET", "/employment/targets.xlsx", Page),
            get(pages::employment::targets_xlsx),
        ),
        (r("GET", "/work-logs", Page), get(pages::work_logs::show)),
        (
            r("POST", "/work-logs", Page),
            post(pages::work_logs::write).layer(visit),
        ),
        (
            r("GET", "/work-logs/{user}/{day}/photos/{seq}", Page),
            get(pages::work_logs::photo),
        ),
        (r("GET", "/projects", Page), get(pages::projects::list)),
        (
            r("POST", "/projects", Page),
            post(pages::projects::upload).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (r("GET", "/projects/xlsx", Page), get(pages::projects::xlsx)),
        (
            r("GET", "/projects/figures.xlsx", Page),
            get(pages::projects::figures_xlsx),
        ),
        (
            r("GET", "/projects/{county}/{no}", Page),
            get(pages::projects::show),
        ),
        (r("GET", "/users", Page), get(pages::users::list)),
        (r("POST", "/users", Page), post(pages::users::add)),
        (
            r("POST", "/users/{id}/reset", Page),
            post(pages::users::reset),
        ),
        (
            r("POST", "/users/{id}/disable", Page),
            post(pages::users::disable),
        ),
        (
            r("POST", "/users/{id}/enable", Page),
            post(pages::users::enable),
        ),
        (r("GET", "/audit", Page), get(pages::audit::list)),
        (r("GET", "/tokens", Page), get(pages::tokens::list)),
        (r("POST", "/tokens", Page), post(pages::tokens::create)),
        (
            r("POST", "/tokens/{id}/revoke", Page),
            post(pages::tokens::revoke),
        ),
        // The public application form: households apply without an account.
        (r("GET", "/apply", Public), get(m::apply::form)),
        // A village's poster of the form's QR code, for its notice board.
        (r("GET", "/apply/poster", Page), get(m::poster::show)),
        (r("POST", "/apply", Public), post(m::apply::submit)),
        // The monitoring lifecycle.
        (r("GET", "/monitoring", Page), get(m::work::workbench)),
        (r("GET", "/monitoring/cases", Page), get(m::work::list)),
        (r("GET", "/monitoring/cases/{id}", Page), get(m::case::show)),
        (
            r("POST", "/monitoring/cases/{id}/steps", Page),
            post(m::case::step),
        ),
        (r("GET", "/monitoring/clues", Page), get(m::clues::list)),
        (r("POST", "/monitoring/clues", Page), post(m::clues::record)),
        (
            r("GET", "/monitoring/notice/{village}", Page),
            get(m::notice::show),
        ),
        (
            r("GET", "/monitoring/notice/{village}/xlsx", Page),
            get(m::notice::xlsx),
        ),
        (r("GET", "/households/{no}/plan", Page), get(m::plan::show)),
        (
            r("POST", "/households/{no}/plan", Page),
            post(m::plan::save),
        ),
        (
            r("GET", "/households/{no}/visits", Page),
            get(m::visits::list),
        ),
        (
            r("POST", "/households/{no}/visits", Page),
            post(m::visits::record).layer(visit),
        ),
        (
            r("GET", "/monitoring/visits/{id}/photos/{seq}", Page),
            get(m::visits::photo),
        ),
        (
            r("GET", "/monitoring/visits-due", Page),
            get(m::visits::due),
        ),
        (
            r("GET", "/households/{no}/elimination", Page),
            get(m::elimination::form),
        ),
        (
            r("POST", "/households/{no}/elimination", Page),
            post(m::elimination::propose),
        ),
        (r("GET", "/monitoring/checks", Page), get(m::checks::report)),
        (r("GET", "/monitoring/policy", Page), get(m::policy::show)),
        (r("POST", "/monitoring/policy", Page), post(m::policy::save)),
        (
            r("POST", "/monitoring/policy/check", Page),
            post(m::policy::check),
        ),
        (
            r("GET", "/monitoring/disaster", Page),
            get(m::disaster::form),
        ),
        (
            r("POST", "/monitoring/disaster", Page),
            post(m::disaster::upload).layer(list),
        ),
        (
            r("GET", "/monitoring/screening", Page),
            get(m::screening::index),
        ),
        (
            r("POST", "/monitoring/screening", Page),
            post(m::screening::upload).layer(upload),
        ),
        (
            r("GET", "/monitoring/screening/{id}", Page),
            get(m::screening::results),
        ),
        (
            r("GET", "/monitoring/screening/{id}/xlsx", Page),
            get(m::screening::xlsx),
        ),
        (
            r("GET", "/monitoring/screening/{id}/problems/xlsx", Page),
            get(m::screening::problems_xlsx),
        ),
        // Statistics and dispatch reports.
        (r("GET", "/dashboard", Page), get(pages::dashboard::show)),
        (
            r("GET", "/dashboard/trend", Page),
            get(pages::dashboard::trend),
        ),
        (
            r("GET", "/dashboard/verification", Page),
            get(pages::dashboard::verification_list),
        ),
        (r("GET", "/reports", Page), get(pages::reports::list)),
        (r("POST", "/reports", Page), post(pages::reports::issue)),
        (
            r("GET", "/reports/preview", Page),
            get(pages::reports::preview),
        ),
        (
            r("GET", "/reports/preview/xlsx", Page),
            get(pages::reports::preview_xlsx),
        ),
        (r("GET", "/reports/{id}", Page), get(pages::reports::show)),
        (
            r("GET", "/reports/{id}/xlsx", Page),
            get(pages::reports::issued_xlsx),
        ),
        (r("GET", "/api/v1/me", Api), get(api::me)),
        (r("GET", "/api/v1/areas/{code}", Api), get(api::area)),
        (r("GET", "/api/v1/households", Api), get(api::households)),
        (
            r("GET", "/api/v1/households/{no}", Api),
            get(api::household),
        ),
        (
            r("PATCH", "/api/v1/households/{no}", Api),
            patch(api::edit_household),
        ),
        (
            r("POST", "/api/v1/households/{no}/members", Api),
            post(api::add_member),
        ),
        (
            r("PATCH", "/api/v1/households/{no}/members", Api),
            patch(api::edit_member),
        ),
        (
            r("POST", "/api/v1/households/{no}/members/leave", Api),
            post(api::member_leaves),
        ),
        (
            r("POST", "/api/v1/imports", Api),
            post(api::import).layer(upload),
        ),
        (r("GET", "/api/v1/imports", Api), get(api::imports)),
        (
            r("GET", "/api/v1/imports/{id}/rejected-rows", Api),
            get(api::import_rejected_rows),
        ),
        (
            r("GET", "/api/v1/progress/{token}", Api),
            get(api::progress),
        ),
        (
            r("GET", "/api/v1/imports/{id}/errors", Api),
            get(api::import_errors),
        ),
        (
            r("GET", "/api/v1/registry-checks", Api),
            get(api::registry::registry_checks),
        ),
        (
            r("GET", "/api/v1/relocation", Api),
            get(api::relocation::relocation),
        ),
        (
            r("GET", "/api/v1/attendance", Api),
            get(api::attendance::attendance),
        ),
        (
            r("POST", "/api/v1/checkins", Api),
            post(api::attendance::check_in),
        ),
        (
            r("POST", "/api/v1/leave", Api),
            post(api::attendance::request_leave),
        ),
        (
            r("POST", "/api/v1/leave/{id}", Api),
            post(api::attendance::decide_leave),
        ),
        (
            r("POST", "/api/v1/leave/{id}/withdraw", Api),
            post(api::attendance::withdraw_leave),
        ),
        (r("GET", "/api/v1/posts", Api), get(api::posts::posts)),
        (
            r("POST", "/api/v1/posts", Api),
            post(api::posts::publish).layer(DefaultBodyLimit::max(POST_LIMIT)),
        ),
        (r("GET", "/api/v1/posts/{id}", Api), get(api::posts::post)),
        (
            r("GET", "/api/v1/posts/{id}/attachments/{n}", Api),
            get(api::posts::attachment),
        ),
        (
            r("POST", "/api/v1/posts/{id}/withdraw", Api),
            post(api::posts::withdraw),
        ),
        (
            r("GET", "/api/v1/construction", Api),
            get(api::construction::construction),
        ),
        (
            r("GET", "/api/v1/construction/{county}/{no}", Api),
            get(api::construction::item),
        ),
        (
            r("POST", "/api/v1/construction/import", Api),
            post(api::construction::import).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("POST", "/api/v1/work-teams/trainings/import", Api),
            post(api::work_teams::import_trainings).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/api/v1/work-teams/phone-checks", Api),
            get(api::phone_checks::phone_checks),
        ),
        (
            r("POST", "/api/v1/work-teams/phone-checks/draw", Api),
            post(api::phone_checks::draw),
        ),
        (
            r("POST", "/api/v1/work-teams/phone-checks/{county}/{no}", Api),
            post(api::phone_checks::record),
        ),
        (
            r("GET", "/api/v1/work-teams", Api),
            get(api::work_teams::work_teams),
        ),
        (
            r("POST", "/api/v1/work-teams/import", Api),
            post(api::work_teams::import).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/api/v1/cooperation", Api),
            get(api::cooperation::cooperation),
        ),
        (
            r("POST", "/api/v1/cooperation/import", Api),
            post(api::cooperation::import).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/api/v1/employment", Api),
            get(api::employment::employment),
        ),
        (
            r("POST", "/api/v1/employment/targets/import", Api),
            post(api::employment::import_targets).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/api/v1/work-logs", Api),
            get(api::work_logs::work_logs),
        ),
        (
            r("POST", "/api/v1/work-logs", Api),
            post(api::work_logs::write).layer(DefaultBodyLimit::max(VISIT_LIMIT * 4 / 3)),
        ),
        (
            r("GET", "/api/v1/work-logs/{user}/{day}/photos/{n}", Api),
            get(api::work_logs::photo),
        ),
        (r("GET", "/api/v1/my-day", Api), get(api::my_day::my_day)),
        (r("GET", "/api/v1/loans", Api), get(api::loans::loans)),
        (
            r("GET", "/api/v1/loans/{county}/{no}", Api),
            get(api::loans::loan),
        ),
        (
            r("GET", "/api/v1/households/{no}/loans", Api),
            get(api::loans::household_loans),
        ),
        (
            r("POST", "/api/v1/loans/import", Api),
            post(api::loans::import).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/api/v1/projects", Api),
            get(api::projects::projects),
        ),
        (
            r("POST", "/api/v1/projects/import", Api),
            post(api::projects::import).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/api/v1/projects/{county}/{no}", Api),
            get(api::projects::project),
        ),
        (r("GET", "/api/v1/stats", Api), get(api::stats::stats)),
        (
            r("GET", "/api/v1/key-counties", Api),
            get(api::stats::key_counties),
        ),
        (
            r("GET", "/api/v1/stats/verification", Api),
            get(api::stats::verification),
        ),
        (r("GET", "/api/v1/reports", Api), get(api::stats::reports)),
        (r("POST", "/api/v1/reports", Api), post(api::stats::issue)),
        (
            r("GET", "/api/v1/reports/preview", Api),
            get(api::stats::preview),
        ),
        (
            r("GET", "/api/v1/reports/{id}", Api),
            get(api::stats::report),
        ),
        (
            r("GET", "/api/v1/reports/{id}/xlsx", Api),
            get(api::stats::report_xlsx),
        ),
        (
            r("GET", "/api/v1/monitoring/policies/{province}/{year}", Api),
            get(api::policy::in_force),
        ),
        (
            r("POST", "/api/v1/monitoring/policies/{province}/{year}", Api),
            post(api::policy::set),
        ),
        (
            r(
                "GET",
                "/api/v1/monitoring/policies/{province}/{year}/versions",
                Api,
            ),
            get(api::policy::versions),
        ),
        (
            r(
                "POST",
                "/api/v1/monitoring/policies/{province}/{year}/check",
                Api,
            ),
            post(api::policy::check),
        ),
        (
            r("GET", "/api/v1/monitoring/clues", Api),
            get(api::monitoring::clues),
        ),
        (
            r("POST", "/api/v1/monitoring/clues", Api),
            post(api::monitoring::record_clue),
        ),
        (
            r("GET", "/api/v1/monitoring/cases", Api),
            get(api::monitoring::cases),
        ),
        (
            r("GET", "/api/v1/monitoring/cases/mine", Api),
            get(api::monitoring::my_cases),
        ),
        (
            r("GET", "/api/v1/monitoring/cases/{id}", Api),
            get(api::monitoring::case),
        ),
        (
            r("POST", "/api/v1/monitoring/cases/{id}/steps", Api),
            post(api::monitoring::step),
        ),
        (
            r("POST", "/api/v1/monitoring/eliminations", Api),
            post(api::monitoring::propose_elimination),
        ),
        (
            r("GET", "/api/v1/monitoring/households/{no}/plan", Api),
            get(api::monitoring::plan),
        ),
        (
            r("PUT", "/api/v1/monitoring/households/{no}/plan", Api),
            put(api::monitoring::save_plan),
        ),
        (
            r("GET", "/api/v1/monitoring/households/{no}/visits", Api),
            get(api::monitoring::visits),
        ),
        (
            r("POST", "/api/v1/monitoring/households/{no}/visits", Api),
            post(api::monitoring::record_visit).layer(DefaultBodyLimit::max(VISIT_LIMIT)),
        ),
        (
            r("GET", "/api/v1/monitoring/visits/{id}/photos/{seq}", Api),
            get(api::monitoring::visit_photo),
        ),
        (
            r("GET", "/api/v1/monitoring/visits-due", Api),
            get(api::monitoring::visits_due),
        ),
        (
            r("GET", "/api/v1/monitoring/notice/{village}", Api),
            get(api::monitoring::notice),
        ),
        (
            r("GET", "/api/v1/monitoring/notice/{village}/xlsx", Api),
            get(api::monitoring::notice_xlsx),
        ),
        (
            r("GET", "/api/v1/monitoring/checks", Api),
            get(api::monitoring::checks),
        ),
        (
            r("POST", "/api/v1/monitoring/disaster", Api),
            post(api::monitoring::disaster).layer(DefaultBodyLimit::max(LIST_LIMIT)),
        ),
        (
            r("GET", "/api/v1/monitoring/screenings", Api),
            get(api::screening::batches),
        ),
        (
            r("POST", "/api/v1/monitoring/screenings", Api),
            post(api::screening::screen).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        (
            r("GET", "/api/v1/monitoring/screenings/{id}/results", Api),
            get(api::screening::results),
        ),
        (
            r("GET", "/api/v1/monitoring/screenings/{id}/problems", Api),
            get(api::screening::problems),
        ),
    ]
}

/// The routes the router serves (for the access test).
pub fn specs() -> Vec<RouteSpec> {
    table().into_iter().map(|(s, _)| s).collect()
}

/// The routes, one method router per path.
pub fn routes() -> Router<AppState> {
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for (spec, handler) in table() {
        let merged = match by_path.remove(spec.path) {
            Some(existing) => existing.merge(handler),
            None => handler,
        };
        by_path.insert(spec.path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
}
