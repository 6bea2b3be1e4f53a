//! `zhenxing serve`, `zhenxing user ...` and the demo's users and server.

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;

use anyhow::{Context, Result, bail};
use zhenxing_app::App;
use zhenxing_app::users::{AddUser, Manager};
use zhenxing_domain::stats::Counts;
use zhenxing_domain::{AreaCode, Role, Scope};
use zhenxing_web::ServeOptions;

use crate::UserCommand;
use crate::commands::open;

/// A password from standard input when it is piped in; `None` (generate one) otherwise.
fn password_from_stdin() -> Result<Option<String>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut text = String::new();
    stdin
        .lock()
        .read_to_string(&mut text)
        .context("读取标准输入中的密码")?;
    let password = text.lines().next().unwrap_or("").to_string();
    Ok(Some(password).filter(|p| !p.is_empty()))
}

fn role(name: &str) -> Result<Role> {
    match Role::from_cli_name(name) {
        Some(r) => Ok(r),
        None => {
            let all: Vec<&str> = Role::ALL.iter().map(|r| r.cli_name()).collect();
            bail!("角色“{name}”无效，可用：{}", all.join(", "))
        }
    }
}

async fn set_disabled(db: &str, name: &str, disabled: bool) -> Result<i32> {
    let app = open(db).await?;
    let user = app.user_by_name(Manager::CommandLine, name).await?;
    app.set_disabled(Manager::CommandLine, user.id, disabled)
        .await?;
    println!(
        "用户 {} 已{}。",
        user.name,
        if disabled { "停用" } else { "启用" }
    );
    Ok(0)
}

pub async fn run(action: UserCommand) -> Result<i32> {
    match action {
        UserCommand::Add {
            db,
            name,
            role: r,
            area,
        } => {
            let app = open(&db).await?;
            let area = AreaCode::parse(&area).with_context(|| format!("区划代码“{area}”无效"))?;
            let added = app
                .add_user(
                    Manager::CommandLine,
                    AddUser {
                        name,
                        role: role(&r)?,
                        area,
                        password: password_from_stdin()?,
                    },
                )
                .await?;
            let u = &added.user;
            let area_name = app.tree().await.name(u.area).unwrap_or("").to_string();
            println!(
                "已新增用户 {}（{}，{} {}）。",
                u.name,
                u.role.label(),
                area_name,
                u.area
            );
            if let Some(p) = added.generated_password {
                println!("初始密码：{p}");
            }
            Ok(0)
        }
        UserCommand::Reset { db, name } => {
            let app = open(&db).await?;
            let user = app.user_by_name(Manager::CommandLine, &name).await?;
            let generated = app
                .reset_password(Manager::CommandLine, user.id, password_from_stdin()?)
                .await?;
            println!("已重置 {} 的密码，其登录已全部失效。", user.name);
            if let Some(p) = generated {
                println!("新密码：{p}");
            }
            Ok(0)
        }
        UserCommand::Disable { db, name } => set_disabled(&db, &name, true).await,
        UserCommand::Enable { db, name } => set_disabled(&db, &name, false).await,
        UserCommand::List { db } => {
            let app = open(&db).await?;
            let tree = app.tree().await;
            for u in app.users(Manager::CommandLine).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.name,
                    u.role.cli_name(),
                    u.area,
                    tree.name(u.area).unwrap_or(""),
                    if u.disabled { "已停用" } else { "正常" }
                );
            }
            Ok(0)
        }
        UserCommand::Token { db, name, label } => {
            let app = open(&db).await?;
            let (token, secret) = app.create_token_for(&name, &label).await?;
            println!(
                "已为 {name} 创建令牌 #{}（{}）。只显示这一次：",
                token.id, token.label
            );
            println!("{secret}");
            Ok(0)
        }
    }
}

pub async fn serve(app: App, listen: SocketAddr, https: bool) -> Result<i32> {
    println!("振兴 已启动：http://{listen}/  （按 Ctrl-C 停止）");
    zhenxing_web::serve(app, &ServeOptions { listen, https })
        .await
        .with_context(|| format!("监听 {listen}"))?;
    Ok(0)
}

/// The demo's users: one at each level, on the areas with the most generated households.
pub async fn demo_users(app: &App) -> Result<Vec<(String, Role, AreaCode, String)>> {
    let villages = app
        .store()
        .village_figures(Scope::All, zhenxing_domain::today_in_china())
        .await?;
    let best = |level_of: fn(AreaCode) -> Option<AreaCode>, within: Option<AreaCode>| {
        let mut sums: std::collections::BTreeMap<AreaCode, u64> = Default::default();
        for (v, c) in &villages {
            let c: &Counts = c;
            if within.is_some_and(|w| !w.contains(*v)) {
                continue;
            }
            if let Some(a) = level_of(*v) {
                *sums.entry(a).or_default() += c.households;
            }
        }
        sums.into_iter()
            .max_by_key(|(a, n)| (*n, std::cmp::Reverse(*a)))
            .map(|(a, _)| a)
    };
    let county = best(|v| v.county(), None).context("演示数据中没有农户")?;
    let village = best(Some, Some(county)).context("演示数据中没有农户")?;
    let township = village.parent().context("村没有上级")?;
    let city = county.parent().context("县没有上级")?;
    let province = city.parent().context("市没有上级")?;
    let plan = [
        ("sheng", Role::ProvinceAdmin, province),
        ("shi", Role::CityAdmin, city),
        ("xian", Role::CountyAdmin, county),
        ("xianyuan", Role::CountyOfficer, county),
        ("xiang", Role::TownshipOfficer, township),
        ("cun", Role::VillageCadre, village),
        ("duiyuan", Role::TeamMember, village),
        ("bumen", Role::DepartmentOperator, county),
        ("shenji", Role::Auditor, province),
    ];
    let mut out = Vec::new();
    for (name, role, area) in plan {
        let added = app
            .add_user(
                Manager::CommandLine,
                AddUser {
                    name: name.into(),
                    role,
                    area,
                    password: None,
                },
            )
            .await?;
        out.push((
            name.to_string(),
            role,
            area,
            added.generated_password.unwrap_or_default(),
        ));
    }
    Ok(out)
}
