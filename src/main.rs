//! `zhenxing`: the command line of the platform.
#![forbid(unsafe_code)]

mod commands;
mod construction;
mod cooperation;
mod employment;
mod key_counties;
mod loans;
mod monitoring;
mod progress;
mod projects;
mod registry_check;
mod relocation;
mod screening;
mod stats_cmd;
mod users;
mod work_teams;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "zhenxing", version, about = "振兴：防止返贫动态监测和帮扶平台")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StatsFormat {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LayoutArg {
    Ledgers,
    Persons,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CsvEncodingArg {
    /// UTF-8 with BOM (opens correctly in Excel)
    Utf8,
    /// GBK, as Chinese Excel saves CSV
    Gbk,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Depth {
    Province,
    City,
    County,
    Township,
    Village,
}

#[derive(Subcommand)]
enum Command {
    /// Create or upgrade a database and load the division tree (Gansu 2023 unless --divisions).
    Init {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// A division CSV (code,name,level,parent_code) of another province.
        #[arg(long)]
        divisions: Option<PathBuf>,
        /// Edition year of the division codes.
        #[arg(long)]
        edition: Option<u16>,
    },
    /// Bring the database schema up to date.
    Migrate {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
    },
    /// Import county ledgers (CSV in UTF-8, GBK or UTF-16, xlsx, xls, or a web page's table
    /// named .xls). Exit status 0: all rows taken;
    /// 2: some rejected (see --errors); 1: a file is unusable and nothing was written.
    Import {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// Households ledger (户信息). A ledger of one row a person (一表式台账: members' 姓名 and
        /// 与户主关系 beside the household's columns) brings its members too.
        #[arg(long)]
        households: Option<PathBuf>,
        /// Members ledger (成员信息); may be the same workbook as --households. A row with a
        /// 减少原因 (死亡, 婚出, 户籍迁出, 其他) removes the person from the household.
        #[arg(long)]
        members: Option<PathBuf>,
        /// Write rejected rows here (.csv or .xlsx).
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Write the rows not taken here (.xlsx), as the files had them, with why: correct them
        /// there and import that workbook.
        #[arg(long)]
        rejected_rows: Option<PathBuf>,
        /// Refuse rows outside this area.
        #[arg(long)]
        area: Option<String>,
    },
    /// The imports (newest first), or with `--import N --errors FILE` the rows import N refused,
    /// kept with it (.xlsx or .csv, as `import --errors` writes them).
    Imports {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// The import's number, as `import` printed it.
        #[arg(long, requires = "errors")]
        import: Option<i64>,
        #[arg(long, requires = "import")]
        errors: Option<PathBuf>,
    },
    /// Export the ledgers of an area (.xlsx: one workbook; .csv: two files side by side).
    Export {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: String,
        #[arg(long)]
        out: PathBuf,
        /// Write ID numbers and phones whole (they are masked otherwise).
        #[arg(long)]
        unmasked: bool,
        #[arg(long, value_enum, default_value = "utf8")]
        encoding: CsvEncodingArg,
        /// ledgers: a households and a members ledger; persons: one row a person (一表式台账,
        /// one sheet or one CSV file), which `import --households` reads back.
        #[arg(long, value_enum, default_value = "ledgers")]
        layout: LayoutArg,
    },
    /// Registry figures for an area and every area under it.
    Stats {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: Option<String>,
        /// Lowest level to list.
        #[arg(long, value_enum, default_value = "village")]
        depth: Depth,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
        /// Figures as of this date (2024-06-30); today when absent.
        #[arg(long)]
        as_of: Option<String>,
        /// Recompute every figure from the registry and compare with the kept figures.
        #[arg(long)]
        check: bool,
        /// List the villages on the verification list (未消除风险人口占比高于3%) instead.
        #[arg(long)]
        over_ratio: bool,
    },
    /// A dispatch report (调度表) of an area as xlsx: a sheet per level below, the verification
    /// list, the change since the previous issued report.
    Report {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        as_of: Option<String>,
        /// Issue (freeze) the report: it is kept and reads the same from then on.
        #[arg(long)]
        issue: bool,
        /// Export an issued report again, by its number.
        #[arg(long)]
        id: Option<i64>,
    },
    /// Mark villages as ex-poor villages (脱贫村), from a file with one village code per line
    /// (or a CSV whose first column holds them).
    ExPoorVillages {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        file: PathBuf,
        /// Remove the mark instead.
        #[arg(long)]
        unset: bool,
    },
    /// Write a consistent copy of the live database (SQLite: a database file; PostgreSQL: a
    /// pg_dump archive).
    Backup {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a SQLite backup as the database file TARGET (checked before it replaces anything).
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// Replace an existing database file.
        #[arg(long)]
        force: bool,
    },
    /// Check the registry's consistency (户籍信息核查): every household of an area against
    /// the members listed under it — no members, no head or several, the head's name in the
    /// two files, the declared size, relations the ages contradict, the no-labour and
    /// uninsured flags the members contradict. Exit status 2 when some household has a finding.
    RegistryCheck {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// The area (its code); the whole tree's first province when absent.
        #[arg(long)]
        area: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
        /// Write the findings to this workbook (.xlsx) instead of listing them.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The relocation sites' floor task (易地扶贫搬迁安置区就业帮扶): every relocated household of
    /// an area judged by the province's policy — at least one member employed (migrant work or
    /// a public-welfare job) in each household with labour — per site, with the households
    /// short of it (csv: those households alone). Exit status 2 when some household is short.
    Relocation {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// The area (its code); the whole tree's first province when absent.
        #[arg(long)]
        area: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
        /// Write the sites and the households short to this workbook (.xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 务工就业: the labour of ex-poor households (脱贫劳动力) and of monitoring objects of an area
    /// today — in migrant work, in public-welfare jobs, employed (the province's policy says
    /// which 劳动技能 count) — and of each area under it, against the year's targets of its
    /// counties (务工就业目标). With `--targets FILE` the table of targets is imported first
    /// (exit status 2 when some rows were refused, 1 when the file is no such table).
    Employment {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// The area (its code); the whole tree's first province when absent.
        #[arg(long)]
        area: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
        /// Import this table of targets first: 区划代码 (a county), 年度, 务工就业目标（人）.
        #[arg(long)]
        targets: Option<PathBuf>,
        /// Write the refused rows of `--targets` to this file (.csv or .xlsx).
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Write the figures per area to this workbook (.xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write the year's targets of the area's counties to this workbook (.xlsx); it imports
        /// back unchanged.
        #[arg(long)]
        targets_out: Option<PathBuf>,
    },
    /// Projects of 衔接资金 (项目台账): import a county's ledger, the year's progress of an area
    /// (开工率, 完工率, 支出进度, the industry share), the ledger exported.
    Projects {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Rural construction (乡村建设台账): import a county's items and the targets set its
    /// counties, the year's progress of an area per task (完成率 = done / target), the ledger
    /// exported.
    Construction {
        #[command(subcommand)]
        command: ConstructionCommand,
    },
    /// Village-resident work teams (驻村干部花名册): import a county's roster, the teams of an
    /// area as of a day (ex-poor villages' first secretaries, teams below the floor, cadres
    /// beyond their term), the roster exported.
    WorkTeams {
        #[command(subcommand)]
        command: WorkTeamsCommand,
    },
    /// East-west cooperation and paired assistance (协作帮扶台账): import a county's ledger,
    /// the year's plan and what was done of an area per program and indicator, the ledger
    /// exported.
    Cooperation {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Key assistance counties (乡村振兴重点帮扶县): load the province's list (`--file`: 县代码 or
    /// 县（市、区） with 市（州）, and 类别 国家/省级; the list replaces the province's, all or
    /// nothing; exit status 2 when it has problems), then show the key counties' figures.
    KeyCounties {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        file: Option<PathBuf>,
        /// The area whose key counties are shown; the whole tree's first province when absent.
        #[arg(long)]
        area: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
    },
    /// Small credit loans (脱贫人口小额信贷): import the banks' ledger (each borrower found in
    /// the registry), the loans of an area as of a day (lent, owed, overdue, outside the
    /// policy's cover).
    Loans {
        #[command(subcommand)]
        command: LoansCommand,
    },
    /// Check the database: its own integrity check and the product's consistency rules.
    Check {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
    },
    /// The audit log: `verify` recomputes the hash chain and compares its end with the head.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Create a demo database (the Gansu tree, generated households, a user at each level) and
    /// serve it on the web.
    Demo {
        #[arg(long, env = "ZHENXING_DEMO_DB", default_value = "zhenxing-demo.db")]
        db: String,
        #[arg(long, default_value_t = 5000)]
        households: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Only build the database; do not serve.
        #[arg(long)]
        no_serve: bool,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Serve the web app and the JSON API.
    Serve {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long, env = "ZHENXING_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Users reach the server over https (e.g. through a TLS proxy): mark cookies Secure.
        #[arg(long)]
        https: bool,
    },
    /// Manage users: add, reset a password, disable, enable, list, make an API token.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// The monitoring policy of a province and year: show, check an edited file, store it.
    Policy {
        #[command(subcommand)]
        command: monitoring::PolicyCommand,
    },
    /// Monitoring work lists and batches: overdue cases, visits due, data checks, disaster
    /// inclusion, the village public notice.
    Monitor {
        #[command(subcommand)]
        command: monitoring::MonitorCommand,
    },
    /// Screen a department file (部门筛查预警) of a kind the policy describes against the registry:
    /// every household crossing the kind's rule becomes a clue with its verification deadline
    /// (or joins its open clue). Prints rows matched, clues created and attached, rows unmatched.
    /// Exit status 2 when some rows could not be read (see --report).
    Screen {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// The kind of file as the policy names it: medical, disability, disaster, unemployment,
        /// dropout, housing, dibao (Gansu's policies).
        #[arg(long)]
        kind: String,
        /// CSV (UTF-8, GBK or UTF-16), xlsx, xls or a web page's table, with the kind's columns.
        #[arg(long)]
        file: PathBuf,
        /// Write unreadable rows and unmatched persons (with the reason) here (.csv or .xlsx).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Screen only this area.
        #[arg(long)]
        area: Option<String>,
        /// The screening day (default: today); it picks the policy year.
        #[arg(long)]
        date: Option<String>,
        /// Who sent the file (default: the kind's department in the policy).
        #[arg(long)]
        source: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: screening::ScreenFormat,
    },
    /// Screening batches: list them, or export one batch's results for an area as xlsx (or,
    /// with `--left-out`, the rows of its file it left out, with their reasons).
    ScreenResults {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// The batch number (as `screen` printed it); without it, the batches are listed.
        #[arg(long)]
        batch: Option<i64>,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write ID numbers whole (they are masked otherwise).
        #[arg(long)]
        unmasked: bool,
        /// Export the rows the batch left out (not read, not registered, outside the area),
        /// kept with it as its report showed them.
        #[arg(long, conflicts_with_all = ["area", "unmasked"])]
        left_out: bool,
    },
    /// Write generated ledgers (households and members) for trying the import.
    Generate {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1000)]
        households: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Only villages under this area.
        #[arg(long)]
        area: Option<String>,
        /// xlsx or csv.
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long, value_enum, default_value = "utf8")]
        encoding: CsvEncodingArg,
        /// ledgers: households and members apart; persons: one row a person (一表式台账).
        #[arg(long, value_enum, default_value = "ledgers")]
        layout: LayoutArg,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from standard input when it is not a terminal
    /// (`echo PASSWORD | zhenxing user add ...`); otherwise one is generated and printed.
    Add {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        name: String,
        /// province_admin, city_admin, county_admin, county_officer, township_officer,
        /// village_cadre, team_member, department_operator or auditor.
        #[arg(long)]
        role: String,
        /// The user's area (division code).
        #[arg(long)]
        area: String,
    },
    /// Set a new password (from standard input, or generated and printed); ends the user's
    /// sessions.
    Reset {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        name: String,
    },
    /// Disable a user (ends their sessions; their tokens stop working).
    Disable {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        name: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        name: String,
    },
    /// List the users.
    List {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
    },
    /// Make an API token for a user (printed once; only its hash is kept).
    Token {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        name: String,
        /// What the token is for.
        #[arg(long, default_value = "命令行创建")]
        label: String,
    },
}

/// A command's output piped to one that stops reading (`zhenxing stats … | head`) ends the
/// command quietly with status 141, as other Unix tools end (128 + SIGPIPE), instead of a
/// panic's message: `println!` panics when stdout is a closed pipe.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("os error 32") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// Whether an error comes of writing to a pipe its reader closed.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
    })
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ZHENXING_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    quiet_on_closed_stdout();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            std::process::exit(1);
        }
    };
    let code = match runtime.block_on(commands::run(cli.command)) {
        Ok(code) => code,
        // Stdout closed by its reader (`| head`): ended quietly, as on the panic above.
        Err(e) if closed_pipe(&e) => 141,
        Err(e) => {
            eprintln!("错误：{e:#}");
            1
        }
    };
    std::process::exit(code);
}

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Import the ledger (CSV in UTF-8 or GBK, xls, xlsx; amounts in 万元): new rows added,
    /// changed ones updated with their history. Exit status 2 when some rows were refused
    /// (listed with row, column and why), 1 when the file is no such ledger.
    Import {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        file: PathBuf,
        /// Write every refused row's problems here (.csv or .xlsx).
        #[arg(long)]
        errors: Option<PathBuf>,
    },
    /// The year's figures of an area and of each area under it.
    Stats {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// The area (its code); the whole tree's first province when absent.
        #[arg(long)]
        area: Option<String>,
        /// The year; the latest with rows when absent.
        #[arg(long)]
        year: Option<u16>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
    },
    /// The year's ledger of an area (.xlsx) in the layout it is imported in.
    Export {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        year: Option<u16>,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ConstructionCommand {
    /// Import a construction ledger (CSV in UTF-8 or GBK, xls, xlsx): its items' sheet (项目编号,
    /// 实施年度, 任务类别, 所在地代码, 计划数量, 进展情况, ...), its targets' sheet (区划代码 of a
    /// county, 年度, 任务类别, 目标任务数) or both. Exit status 2 when some rows were refused
    /// (listed with sheet, row, column and why), 1 when the file has neither.
    Import {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        file: PathBuf,
        /// Write every refused row's problems here (.csv or .xlsx).
        #[arg(long)]
        errors: Option<PathBuf>,
    },
    /// The year's progress of an area and of each area under it, per task. Exit status 2 when
    /// a target is set and not yet reached.
    Stats {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// The area (its code); the whole tree's first province when absent.
        #[arg(long)]
        area: Option<String>,
        /// The year; the latest with items or targets when absent.
        #[arg(long)]
        year: Option<u16>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
    },
    /// The year's items and targets of an area as a ledger (.xlsx) in the layout it is
    /// imported in; with `--figures`, the progress per area and task instead.
    Export {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        year: Option<u16>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        figures: bool,
    },
}

#[derive(Subcommand)]
pub enum WorkTeamsCommand {
    /// Import a roster (CSV in UTF-8 or GBK, xls, xlsx: 姓名, 证件号码, 所驻村代码, 驻村职务,
    /// 派出单位, 派出单位级别, 驻村时间; optional 联系电话, 离村时间, 备注, 系统账号): new cadres added,
    /// changed ones updated with their history. Exit status 2 when some rows were refused, 1
    /// when the file is no roster.
    Import {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        file: PathBuf,
        /// Write every refused row's problems here (.csv or .xlsx).
        #[arg(long)]
        errors: Option<PathBuf>,
    },
    /// The teams of an area and of each area under it on a day. Exit status 2 when a village
    /// needs attention.
    Stats {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        /// The area (its code); the whole tree's first province when absent.
        #[arg(long)]
        area: Option<String>,
        /// The day (today when absent).
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
    },
    /// A month's phone checks (电话抽查) of an area: the calls per area under it and the 在岗率;
    /// `--out F.xlsx` writes the checks (ID numbers and phones masked) and the figures. Exit
    /// status 2 when a cadre was found away from their post.
    PhoneChecks {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: Option<String>,
        /// The month, e.g. 2026-12 (this month when absent).
        #[arg(long)]
        month: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The roster of a county or below as a workbook (.xlsx) in the layout it is imported in;
    /// ID numbers and phones masked unless `--unmasked`.
    Export {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        unmasked: bool,
    },
}

#[derive(Subcommand)]
pub enum LoansCommand {
    /// Import a loans ledger (CSV in UTF-8 or GBK, xls, xlsx; amounts in 元, or in 万元 under a
    /// header that says so). Exit status 2 when some rows were refused, 1 when the file is no
    /// loans ledger.
    Import {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        file: PathBuf,
        /// Write every refused row's problems here (.csv or .xlsx).
        #[arg(long)]
        errors: Option<PathBuf>,
    },
    /// The loans of an area and of each area under it as of a day.
    Stats {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
        #[arg(long)]
        area: Option<String>,
        /// The day (today when absent).
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: StatsFormat,
        /// Write the loans overdue and those outside the policy's cover to this workbook.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Prove the audit log is whole: every entry's hash, the chain of hashes, and its head.
    Verify {
        #[arg(long, env = "ZHENXING_DB")]
        db: String,
    },
}
