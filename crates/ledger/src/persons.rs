//! Ledgers of one row a person (一表式台账): the national system's lists and many counties' own
//! keep each member on a row of their own, with the household's columns repeated on every row,
//! merged down over its rows, or filled on its first row only. Read as a households ledger, such
//! a sheet is recognised by its members' 姓名 and 与户主关系 columns beside the household's, and
//! [`HouseholdFolder`] folds each household's consecutive rows into one household row:
//! - a household column takes the value its rows give; an empty cell on a later row says nothing,
//!   and two rows giving different values refuse the household (each such row reported);
//! - without a 户主姓名 column, the head is the member whose relation is 户主 (or 本人); without
//!   a 家庭人口数 column, the household has as many persons as rows; a row with a 减少原因 (a
//!   member leaving) is neither;
//! - the household's phone is the head's when the head's row has one (a 联系电话 column holds
//!   each member's own);
//! - a person's row without a 户编号 belongs to the household above ([`crate::Ledger::read_rows`]
//!   fills it, for both readings): merged cells saved to CSV keep their value on the first row;
//! - a household whose rows lie apart (a member added at the foot of the sheet) is gathered: a
//!   first pass ([`Apart`]) finds such households, the folder holds each one's folded row until
//!   the end of the file and hands them over last; past [`MAX_GATHERED`] of them, the rest are
//!   refused and the sheet is to be sorted.
//!
//! The same sheet read as a members ledger gives one member a row, as any members ledger.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};

use crate::error::RowError;
use crate::layout::{
    F, Field, HOUSEHOLD_FIELDS, LedgerKind, MEMBER_FIELDS, MEMBER_READ_ONLY_FIELDS, header,
    normalize_header,
};
use crate::read::{Cell, PersonColumns, RawRow, SheetPlan};

/// Households whose rows lie apart gathered at most (each held packed, ~1.3 KiB: 90,000 of a
/// county's ledger added 115 MiB to its import's peak):
/// past it, a sheet is to be sorted by 户编号.
pub const MAX_GATHERED: usize = 100_000;

/// Household fields a sheet of one row a person may leave out: its rows tell them.
pub const DERIVED: &[F] = &[F::HeadName, F::Size];

/// Household fields whose cells may differ between a household's rows: the key itself, and the
/// phone (each member's own number in such a sheet).
const PER_PERSON: &[F] = &[F::HouseholdNo, F::Phone];

/// The column of a header row named as one of `fields`' fields for which `wanted` holds.
fn column_of(row: &RawRow, fields: &[Field], wanted: impl Fn(F) -> bool) -> Option<usize> {
    let names: Vec<String> = fields
        .iter()
        .filter(|f| wanted(f.field))
        .flat_map(|f| f.names.iter().map(|n| normalize_header(n)))
        .collect();
    row.cells
        .iter()
        .position(|c| names.contains(&normalize_header(c.text.trim())))
}

/// The members' name and relation columns of a header row, when it has both.
pub(crate) fn person_columns(row: &RawRow) -> Option<PersonColumns> {
    Some(PersonColumns {
        name: column_of(row, MEMBER_FIELDS, |f| f == F::Name)?,
        relation: column_of(row, MEMBER_FIELDS, |f| f == F::Relation)?,
        leaving: column_of(row, MEMBER_READ_ONLY_FIELDS, |f| f == F::LeaveReason),
    })
}

/// Whether a header row has the household's village (its code or its name): with the members'
/// columns, a sheet of one row a person.
pub(crate) fn has_village_column(row: &RawRow) -> bool {
    column_of(row, HOUSEHOLD_FIELDS, |f| {
        matches!(f, F::VillageCode | F::VillageName)
    })
    .is_some()
}

/// Whether a row of a members sheet of one row a person has no person: its ID number, name and
/// relation all empty (a household without members).
pub(crate) fn no_person(plan: &SheetPlan, row: &RawRow) -> bool {
    [F::IdNumber, F::Name, F::Relation].iter().all(|f| {
        plan.columns
            .get(*f)
            .and_then(|i| row.cells.get(i))
            .is_none_or(|c| c.text.trim().is_empty())
    })
}

/// Whether two cells of a household's column say the same: the same text, or the same amount,
/// date or yes/no however written (`8000` and `8,000.00`, `2022-05-03` and `2022/5/3`, 是 and
/// `Y`).
fn agree(a: &str, b: &str) -> bool {
    use zhenxing_domain::labels::parse_flag;
    use zhenxing_domain::{LedgerDate, Money};
    fn both<T: PartialEq, E>(f: impl Fn(&str) -> Result<T, E>, a: &str, b: &str) -> bool {
        matches!((f(a), f(b)), (Ok(x), Ok(y)) if x == y)
    }
    a == b
        || both(Money::parse_yuan, a, b)
        || both(LedgerDate::parse, a, b)
        || both(parse_flag, a, b)
}

/// Whether a relation cell names the head of the household.
fn is_head(relation: &str) -> bool {
    matches!(relation.trim(), "户主" | "本人")
}

/// A household's rows folded into one, or refused.
#[derive(Debug)]
pub enum Folded {
    /// The household's row (numbered as its first row), to be parsed with
    /// [`HouseholdFolder::plans`] of its sheet.
    Row { sheet: usize, raw: RawRow },
    /// A household whose rows contradict each other, or that names no single head: each
    /// problem reported at its row; the household is not taken.
    Refused {
        key: String,
        row: u64,
        errors: Vec<RowError>,
    },
}

/// Folds the consecutive rows of each household of a one-row-a-person sheet into one row.
pub struct HouseholdFolder {
    file: String,
    /// Each sheet's plan, with 户主姓名 and 家庭人口数 read from cells past the sheet's own when
    /// the sheet has no such column (filled from the household's rows).
    plans: Vec<SheetPlan>,
    /// Each sheet's household columns compared between rows.
    compared: Vec<Vec<(F, usize)>>,
    /// Cells a folded row has: the sheet's columns, then the derived ones.
    widths: Vec<usize>,
    /// Households whose rows are not together (found by [`Apart`]): gathered.
    apart: HashSet<String>,
    /// Households gathered so far, by sheet and key: handed over at the end.
    held: HashMap<(usize, String), Held>,
    /// Households apart that could not be held ([`MAX_GATHERED`]): refused, every run of them.
    refused: HashSet<String>,
    /// Households held at most ([`MAX_GATHERED`]; smaller in tests).
    max_gathered: usize,
    current: Option<Group>,
}

struct Group {
    sheet: usize,
    key: String,
    first_row: u64,
    cells: Vec<Cell>,
    /// The row each compared cell's value came from.
    from: Vec<u64>,
    rows: u32,
    /// Rows with a 减少原因: members leaving, not counted in the household's persons.
    leaving: u32,
    /// Rows whose relation is 户主 and that do not leave: (row, name, phone).
    heads: Vec<(u64, String, String)>,
    errors: Vec<RowError>,
}

/// A household held until its rows have all been read ([`HouseholdFolder::gather_apart`]):
/// its cells in one string, a tenth of a [`Group`]'s memory (100,000 of them ~100 MB).
struct Held {
    sheet: usize,
    key: String,
    first_row: u64,
    rows: u32,
    leaving: u32,
    /// The cells' texts, each ended by a NUL (a cell's text never holds one).
    text: String,
    /// The cells that held a spreadsheet number too long for its digits.
    lossy: Vec<u32>,
    /// The row each cell's value came from.
    from: Vec<u64>,
    heads: Vec<(u64, String, String)>,
    errors: Vec<RowError>,
}

impl Held {
    fn pack(g: Group) -> Held {
        let mut text = String::with_capacity(g.cells.iter().map(|c| c.text.len() + 1).sum());
        let mut lossy = Vec::new();
        for (i, c) in g.cells.iter().enumerate() {
            text.push_str(&c.text.replace('\0', ""));
            text.push('\0');
            if c.lossy_number {
                lossy.push(i as u32);
            }
        }
        text.shrink_to_fit();
        Held {
            sheet: g.sheet,
            key: g.key,
            first_row: g.first_row,
            rows: g.rows,
            leaving: g.leaving,
            text,
            lossy,
            from: g.from,
            heads: g.heads,
            errors: g.errors,
        }
    }

    fn unpack(self) -> Group {
        let mut cells: Vec<Cell> = self.text.split_terminator('\0').map(Cell::text).collect();
        cells.resize(self.from.len(), Cell::default());
        for i in self.lossy {
            if let Some(c) = cells.get_mut(i as usize) {
                c.lossy_number = true;
            }
        }
        Group {
            sheet: self.sheet,
            key: self.key,
            first_row: self.first_row,
            cells,
            from: self.from,
            rows: self.rows,
            leaving: self.leaving,
            heads: self.heads,
            errors: self.errors,
        }
    }
}

impl HouseholdFolder {
    /// A folder for the sheets of a households ledger (sheets without person columns are folded
    /// too: consecutive repeats of a household agree or are refused).
    pub fn new(file: String, plans: &[SheetPlan]) -> HouseholdFolder {
        let mut derived = Vec::with_capacity(plans.len());
        let mut compared = Vec::with_capacity(plans.len());
        let mut widths = Vec::with_capacity(plans.len());
        for plan in plans {
            let mut plan = plan.clone();
            let mut width = plan.columns.max_column().map_or(0, |c| c + 1);
            if let Some(p) = plan.persons {
                width = width.max(p.name + 1).max(p.relation + 1);
                for f in DERIVED {
                    if !plan.columns.has(*f) {
                        plan.columns.insert(*f, width);
                        width += 1;
                    }
                }
            }
            compared.push(
                HOUSEHOLD_FIELDS
                    .iter()
                    .filter(|f| !PER_PERSON.contains(&f.field))
                    // The sheet's own columns (not those made for a derived field).
                    .filter(|f| plan.columns.header(f.field).is_some())
                    .filter_map(|f| Some((f.field, plan.columns.get(f.field)?)))
                    .collect(),
            );
            widths.push(width);
            derived.push(plan);
        }
        HouseholdFolder {
            file,
            plans: derived,
            compared,
            widths,
            apart: HashSet::new(),
            held: HashMap::new(),
            refused: HashSet::new(),
            max_gathered: MAX_GATHERED,
            current: None,
        }
    }

    /// Gathers the households of `keys` (their rows are not together, [`Apart`]): each is
    /// handed over by [`HouseholdFolder::finish_all`], once all its rows have been read.
    pub fn gather_apart(&mut self, keys: HashSet<String>) {
        self.apart = keys;
    }

    /// The plans to parse the folded rows of each sheet with.
    pub fn plans(&self) -> &[SheetPlan] {
        &self.plans
    }

    /// Takes the next row of `sheet`; a household whose rows have all been read is handed to
    /// `emit`.
    pub fn push(&mut self, sheet: usize, raw: &RawRow, emit: &mut dyn FnMut(Folded)) {
        let key = self.plans[sheet]
            .columns
            .get(F::HouseholdNo)
            .and_then(|i| raw.cells.get(i))
            .map(|c| c.text.trim().to_string())
            .unwrap_or_default();
        let mut same = self
            .current
            .as_ref()
            .is_some_and(|g| g.sheet == sheet && !key.is_empty() && g.key == key);
        if !same {
            if let Some(done) = self.end_run() {
                emit(done);
            }
            // The next rows of a household gathered: its rows so far are held.
            if let Some(held) = self.held.remove(&(sheet, key.clone())) {
                self.current = Some(held.unpack());
                same = true;
            }
        }
        if !same {
            let width = self.widths[sheet];
            let mut cells: Vec<Cell> = raw.cells.iter().take(width).cloned().collect();
            cells.resize(width, Cell::default());
            let group = Group {
                sheet,
                key,
                first_row: raw.row,
                from: vec![raw.row; width],
                cells,
                rows: 0,
                leaving: 0,
                heads: Vec::new(),
                errors: Vec::new(),
            };
            self.current = Some(group);
        }
        let plan = &self.plans[sheet];
        if same && let Some(g) = self.current.as_mut() {
            for &(f, col) in &self.compared[sheet] {
                let Some(cell) = raw.cells.get(col) else {
                    continue;
                };
                let value = cell.text.trim();
                if value.is_empty() {
                    continue;
                }
                let held = g.cells[col].text.trim();
                if held.is_empty() {
                    g.cells[col] = cell.clone();
                    g.from[col] = raw.row;
                } else if !agree(held, value) {
                    g.errors.push(RowError {
                        file: self.file.clone(),
                        sheet: plan.sheet.clone(),
                        row: raw.row,
                        column: column_header(plan, f),
                        value: value.to_string(),
                        reason: format!(
                            "与第{}行同属户编号{}，此列却不同（第{}行为“{}”）：同一户的各行户信息应一致",
                            g.first_row, g.key, g.from[col], held
                        ),
                        code: "household_rows_differ",
                    });
                }
            }
        }
        let Some(g) = self.current.as_mut() else {
            return;
        };
        g.rows += 1;
        if let Some(p) = plan.persons {
            let text = |i: usize| raw.cells.get(i).map_or("", |c| c.text.trim());
            if p.leaving.is_some_and(|i| !text(i).is_empty()) {
                g.leaving += 1;
            } else if is_head(text(p.relation)) {
                let phone = plan.columns.get(F::Phone).map_or("", text);
                g.heads
                    .push((raw.row, text(p.name).to_string(), phone.to_string()));
            }
        }
    }

    /// The end of a run of a household's rows: the household folded, or held when its rows lie
    /// apart (`None`).
    fn end_run(&mut self) -> Option<Folded> {
        let g = self.current.take()?;
        if self.apart.contains(&g.key) && !self.refused.contains(&g.key) {
            if self.held.len() < self.max_gathered {
                self.held.insert((g.sheet, g.key.clone()), Held::pack(g));
                return None;
            }
            self.refused.insert(g.key.clone());
        }
        Some(self.fold(g))
    }

    /// Hands every household not yet handed over to `emit`, folded: the one being read, then
    /// those gathered (in the order of their first rows), one at a time; `emit` returns false
    /// to stop. Called at the end of the file.
    pub fn finish_all(&mut self, emit: &mut dyn FnMut(Folded) -> bool) {
        if let Some(last) = self.end_run()
            && !emit(last)
        {
            return;
        }
        let mut held: Vec<Held> = self.held.drain().map(|(_, g)| g).collect();
        held.sort_by_key(|g| (g.sheet, g.first_row));
        for g in held {
            if !emit(self.fold(g.unpack())) {
                return;
            }
        }
    }

    /// A household's rows folded into one, or refused.
    fn fold(&self, mut g: Group) -> Folded {
        let plan = &self.plans[g.sheet];
        let file_header = |f: F| plan.columns.header(f).is_some();
        if self.refused.contains(&g.key) {
            g.errors.push(RowError {
                file: self.file.clone(),
                sheet: plan.sheet.clone(),
                row: g.first_row,
                column: column_header(plan, F::HouseholdNo),
                value: g.key.clone(),
                reason: format!(
                    "户编号{}的各行不相邻（此处从第{}行起{}行，文件中另有该户的行），且各行不相邻的户超过{}户：同一户的各行应连在一起，请按户编号排序后再导入",
                    g.key, g.first_row, g.rows, self.max_gathered
                ),
                code: "household_rows_apart",
            });
        } else if plan.persons.is_some() {
            let relation = header(LedgerKind::Members, F::Relation).to_string();
            if !file_header(F::HeadName) {
                match g.heads.as_slice() {
                    [(_, name, _)] => {
                        if let Some(i) = plan.columns.get(F::HeadName) {
                            g.cells[i] = Cell::text(name.clone());
                        }
                    }
                    [] => g.errors.push(RowError {
                        file: self.file.clone(),
                        sheet: plan.sheet.clone(),
                        row: g.first_row,
                        column: relation,
                        value: String::new(),
                        reason: if g.leaving == 0 {
                            format!(
                                "户编号{}的{}行中没有与户主关系为“户主”的成员，无法确定户主姓名",
                                g.key, g.rows
                            )
                        } else {
                            format!(
                                "户编号{}的{}行中，没有减少原因的{}名成员里没有与户主关系为“户主”的成员，无法确定户主姓名（户主减少时，请把新户主的与户主关系改为“户主”）",
                                g.key,
                                g.rows,
                                g.rows - g.leaving
                            )
                        },
                        code: "household_no_head",
                    }),
                    several => {
                        let rows: Vec<String> =
                            several.iter().map(|(r, _, _)| format!("第{r}行")).collect();
                        g.errors.push(RowError {
                            file: self.file.clone(),
                            sheet: plan.sheet.clone(),
                            row: several[1].0,
                            column: relation,
                            value: "户主".into(),
                            reason: format!(
                                "户编号{}有{}名成员与户主关系为“户主”（{}），无法确定户主姓名",
                                g.key,
                                several.len(),
                                rows.join("、")
                            ),
                            code: "household_several_heads",
                        });
                    }
                }
            }
            if !file_header(F::Size)
                && let Some(i) = plan.columns.get(F::Size)
            {
                g.cells[i] = Cell::text((g.rows - g.leaving).to_string());
            }
            if let (Some(i), [(_, _, phone)]) = (plan.columns.get(F::Phone), g.heads.as_slice())
                && !phone.is_empty()
            {
                g.cells[i] = Cell::text(phone.clone());
            }
        }
        if g.errors.is_empty() {
            Folded::Row {
                sheet: g.sheet,
                raw: RawRow {
                    row: g.first_row,
                    cells: g.cells,
                },
            }
        } else {
            Folded::Refused {
                key: g.key,
                row: g.first_row,
                errors: g.errors,
            }
        }
    }
}

fn column_header(plan: &SheetPlan, f: F) -> String {
    plan.columns
        .header(f)
        .unwrap_or(header(LedgerKind::Households, f))
        .to_string()
}

/// Finds the households whose rows are not all together: reads the household number of each
/// row (`next` gives them in order, with their sheet) and keeps a hash of each household's key
/// once its rows end — 16 bytes a household, the keys found apart as text.
pub struct Apart {
    hasher: RandomState,
    ended: HashSet<u64>,
    last: Option<(usize, String)>,
    found: HashSet<String>,
}

impl Default for Apart {
    fn default() -> Apart {
        Apart::new()
    }
}

impl Apart {
    pub fn new() -> Apart {
        Apart {
            hasher: RandomState::new(),
            ended: HashSet::new(),
            last: None,
            found: HashSet::new(),
        }
    }

    /// The next row's household number in `sheet`.
    pub fn next(&mut self, sheet: usize, key: &str) {
        let key = key.trim();
        if key.is_empty()
            || self
                .last
                .as_ref()
                .is_some_and(|(s, k)| *s == sheet && k == key)
        {
            return;
        }
        if let Some((_, ended)) = self.last.take() {
            self.ended.insert(self.hasher.hash_one(&ended));
        }
        if self.ended.contains(&self.hasher.hash_one(key)) {
            self.found.insert(key.to_string());
        }
        self.last = Some((sheet, key.to_string()));
    }

    /// The households found apart.
    pub fn found(self) -> HashSet<String> {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::read::find_header;

    fn row(n: u64, cells: &[&str]) -> RawRow {
        RawRow {
            row: n,
            cells: cells.iter().map(|c| Cell::text(*c)).collect(),
        }
    }

    const HEADER: &[&str] = &[
        "户编号",
        "所在村代码",
        "是否脱贫户",
        "人均纯收入",
        "姓名",
        "与户主关系",
    ];

    fn folder() -> HouseholdFolder {
        let plan = find_header(LedgerKind::Households, None, &[row(1, HEADER)]).unwrap();
        assert_eq!(
            plan.persons,
            Some(PersonColumns {
                name: 4,
                relation: 5,
                leaving: None,
            })
        );
        HouseholdFolder::new("f.csv".into(), &[plan])
    }

    /// A folded household: (first row, cells), or the codes of its errors.
    type Outcome = Result<(u64, Vec<String>), Vec<&'static str>>;

    /// The folded rows of `rows` (numbered from 2), households apart gathered as the import
    /// does: their keys found by a first pass.
    fn fold(rows: &[Vec<String>]) -> Vec<Outcome> {
        fold_gathering_at_most(rows, MAX_GATHERED)
    }

    fn fold_gathering_at_most(rows: &[Vec<String>], max: usize) -> Vec<Outcome> {
        fold_with(folder(), rows, max)
    }

    fn fold_with(mut f: HouseholdFolder, rows: &[Vec<String>], max: usize) -> Vec<Outcome> {
        let mut apart = Apart::new();
        for r in rows {
            apart.next(0, &r[0]);
        }
        f.gather_apart(apart.found());
        f.max_gathered = max;
        let mut out = Vec::new();
        let mut take = |x: Folded| {
            out.push(match x {
                Folded::Row { raw, .. } => Ok((
                    raw.row,
                    raw.cells.into_iter().map(|c| c.text).collect::<Vec<_>>(),
                )),
                Folded::Refused { errors, .. } => Err(errors.iter().map(|e| e.code).collect()),
            })
        };
        for (i, r) in rows.iter().enumerate() {
            let cells: Vec<&str> = r.iter().map(String::as_str).collect();
            f.push(0, &row(i as u64 + 2, &cells), &mut take);
        }
        f.finish_all(&mut |last| {
            take(last);
            true
        });
        out
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_sheet_of_one_row_a_household_has_no_person_columns() {
        let plan = find_header(
            LedgerKind::Households,
            None,
            &[row(
                1,
                &[
                    "户编号",
                    "所在村代码",
                    "户主姓名",
                    "家庭人口数",
                    "是否脱贫户",
                ],
            )],
        )
        .unwrap();
        assert_eq!(plan.persons, None);
        // Without 户主姓名 and no member columns, no header is found.
        assert!(
            find_header(
                LedgerKind::Households,
                None,
                &[row(
                    1,
                    &["户编号", "所在村代码", "家庭人口数", "是否脱贫户"]
                )],
            )
            .is_err()
        );
    }

    #[test]
    fn the_head_and_size_come_from_the_rows() {
        let folded = fold(&[
            strings(&["1", "620102010201", "否", "9000", "李芳", "配偶"]),
            strings(&["1", "", "", "", "王伟", "户主"]),
            strings(&["2", "620102010201", "是", "8000", "赵六", "本人"]),
        ]);
        let (at, cells) = folded[0].clone().unwrap();
        assert_eq!(at, 2);
        // The derived columns follow the sheet's: 户主姓名 then 家庭人口数.
        assert_eq!(&cells[6..], ["王伟", "2"]);
        assert_eq!(&cells[..4], ["1", "620102010201", "否", "9000"]);
        let (at, cells) = folded[1].clone().unwrap();
        assert_eq!((at, &cells[6..]), (4, &strings(&["赵六", "1"])[..]));
    }

    #[test]
    fn members_leaving_are_neither_counted_nor_the_head() {
        let mut header = HEADER.to_vec();
        header.push("减少原因");
        let plan = find_header(LedgerKind::Households, None, &[row(1, &header)]).unwrap();
        assert_eq!(plan.persons.map(|p| p.leaving), Some(Some(6)));
        let folded = fold_with(
            HouseholdFolder::new("f.csv".into(), &[plan]),
            &[
                // The late head stays on the sheet, the new head named 户主.
                strings(&["1", "620102010201", "否", "9000", "王伟", "户主", "死亡"]),
                strings(&["1", "", "", "", "李芳", "户主", ""]),
                strings(&["1", "", "", "", "王小", "子", ""]),
                strings(&["1", "", "", "", "王女", "女", "婚出"]),
                // The head left and nobody named in their place.
                strings(&[
                    "2",
                    "620102010201",
                    "否",
                    "9000",
                    "赵六",
                    "户主",
                    "户籍迁出",
                ]),
                strings(&["2", "", "", "", "赵七", "子", ""]),
            ],
            MAX_GATHERED,
        );
        let (_, cells) = folded[0].clone().unwrap();
        assert_eq!(&cells[6..], ["李芳", "2"], "{cells:?}");
        assert_eq!(folded[1], Err(vec!["household_no_head"]));
    }

    #[test]
    fn disagreeing_rows_and_heads_refuse_the_household() {
        let folded = fold(&[
            strings(&["1", "620102010201", "否", "9000", "王伟", "户主"]),
            strings(&["1", "620102010201", "否", "9100", "李芳", "配偶"]),
            strings(&["2", "620102010201", "否", "9000", "赵六", "户主"]),
            strings(&["2", "620102010201", "否", "9000", "钱七", "户主"]),
            strings(&["3", "620102010201", "否", "9000", "孙八", "子"]),
        ]);
        assert_eq!(
            folded,
            [
                Err(vec!["household_rows_differ"]),
                Err(vec!["household_several_heads"]),
                Err(vec!["household_no_head"]),
            ]
        );
    }

    #[test]
    fn cells_agree_however_an_amount_date_or_flag_is_written() {
        for (a, b) in [
            ("8000", "8,000.00"),
            ("2022-05-03", "2022/5/3"),
            ("是", "Y"),
            ("因病", "因病"),
        ] {
            assert!(agree(a, b), "{a} {b}");
        }
        for (a, b) in [
            ("8000", "8000.01"),
            ("2022-05-03", "2022-05-04"),
            ("是", "否"),
            ("因病", "因残"),
        ] {
            assert!(!agree(a, b), "{a} {b}");
        }
        let folded = fold(&[
            strings(&["1", "620102010201", "是", "8000", "王伟", "户主"]),
            strings(&["1", "620102010201", "Y", "8,000.00", "李芳", "配偶"]),
        ]);
        assert!(folded[0].is_ok(), "{folded:?}");
    }

    #[test]
    fn households_whose_rows_lie_apart_are_gathered() {
        let rows = [
            strings(&["1", "620102010201", "否", "9000", "王伟", "户主"]),
            strings(&["2", "620102010201", "是", "8000", "赵六", "户主"]),
            strings(&["1", "", "", "", "李芳", "配偶"]),
            strings(&["3", "620102010201", "否", "7000", "孙八", "户主"]),
            // A member added at the foot of the sheet.
            strings(&["1", "620102010201", "否", "9000", "王小", "子"]),
            // Apart and disagreeing: refused, as together.
            strings(&["3", "620102010201", "否", "7100", "孙九", "子"]),
        ];
        let folded = fold(&rows);
        // Households together first, those gathered at the end, by their first rows.
        assert_eq!(folded.len(), 3, "{folded:?}");
        let (at, cells) = folded[0].clone().unwrap();
        assert_eq!(
            (at, &cells[0..4]),
            (3, &strings(&["2", "620102010201", "是", "8000"])[..])
        );
        let (at, cells) = folded[1].clone().unwrap();
        assert_eq!(at, 2);
        assert_eq!(&cells[..4], ["1", "620102010201", "否", "9000"]);
        assert_eq!(&cells[6..], ["王伟", "3"]);
        assert_eq!(folded[2], Err(vec!["household_rows_differ"]));

        // Past the most gathered, the rest are refused, every run of them, with the sort asked.
        let folded = fold_gathering_at_most(&rows, 1);
        assert_eq!(folded.len(), 4, "{folded:?}");
        assert!(folded[0].is_ok());
        assert_eq!(folded[1], Err(vec!["household_rows_apart"]));
        assert_eq!(folded[2], Err(vec!["household_rows_apart"]));
        assert_eq!(folded[3].clone().unwrap().0, 2);
    }

    #[test]
    fn households_whose_rows_lie_apart_are_found() {
        let mut apart = Apart::new();
        for (sheet, key) in [
            (0, "1"),
            (0, "1"),
            (0, "2"),
            (0, "3"),
            (0, ""),
            (0, "3"),
            (0, "1"),
            (1, "4"),
            (1, "2"),
        ] {
            apart.next(sheet, key);
        }
        let mut found: Vec<String> = apart.found().into_iter().collect();
        found.sort();
        assert_eq!(found, ["1", "2"]);
    }

    proptest! {
        /// However a household's cells are written on its rows after the first (repeated, or
        /// left empty as under a merged cell that was not filled), it folds to the same row.
        #[test]
        fn repeated_or_empty_household_cells_fold_alike(
            households in proptest::collection::vec(
                (1usize..5, 0usize..5, proptest::collection::vec(any::<bool>(), 8), 1u32..99999),
                1..6,
            )
        ) {
            let mut rows = Vec::new();
            let mut expected = Vec::new();
            for (h, (size, head, blanks, income)) in households.iter().enumerate() {
                let head = head % size;
                let no = (h + 1).to_string();
                let income = income.to_string();
                let first_row = rows.len() as u64 + 2;
                for m in 0..*size {
                    let blank = m > 0 && blanks[m % blanks.len()];
                    let household = |v: &str| if blank { String::new() } else { v.to_string() };
                    rows.push(vec![
                        no.clone(),
                        household("620102010201"),
                        household("否"),
                        household(&income),
                        format!("成员{h}-{m}"),
                        if m == head { "户主".into() } else { "子".into() },
                    ]);
                }
                let mut cells = strings(&[&no, "620102010201", "否", &income]);
                cells.extend(rows[first_row as usize - 2][4..].iter().cloned());
                cells.push(format!("成员{h}-{head}"));
                cells.push(size.to_string());
                expected.push(Ok((first_row, cells)));
            }
            let folded: Vec<_> = fold(&rows)
                .into_iter()
                .map(|r| r.map(|(at, mut cells)| {
                    // The first row's own member cells stay as they were.
                    cells.truncate(8);
                    (at, cells)
                }))
                .collect();
            prop_assert_eq!(folded, expected);
        }

        /// In whatever order a sheet's rows come, each household folds to the same row.
        #[test]
        fn rows_in_any_order_fold_to_the_same_households(
            households in proptest::collection::vec((1usize..5, 0usize..5, 1u32..99999), 1..8),
            order in proptest::collection::vec(any::<u32>(), 40),
        ) {
            let mut rows = Vec::new();
            let mut expected = Vec::new();
            for (h, (size, head, income)) in households.iter().enumerate() {
                let head = head % size;
                let no = (h + 1).to_string();
                let income = income.to_string();
                for m in 0..*size {
                    rows.push(vec![
                        no.clone(),
                        "620102010201".into(),
                        "否".into(),
                        income.clone(),
                        format!("成员{h}-{m}"),
                        if m == head { "户主".into() } else { "子".into() },
                    ]);
                }
                expected.push(vec![
                    no.clone(),
                    "620102010201".into(),
                    "否".into(),
                    income,
                    format!("成员{h}-{head}"),
                    size.to_string(),
                ]);
            }
            let mut keyed: Vec<(u32, Vec<String>)> = rows
                .into_iter()
                .enumerate()
                .map(|(i, r)| (order[i % order.len()], r))
                .collect();
            keyed.sort_by_key(|(k, _)| *k);
            let rows: Vec<Vec<String>> = keyed.into_iter().map(|(_, r)| r).collect();
            let mut folded: Vec<Vec<String>> = Vec::new();
            for r in fold(&rows) {
                let (_, cells) = r.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                let mut household = cells[..4].to_vec();
                household.extend(cells[6..].iter().cloned());
                folded.push(household);
            }
            folded.sort_by_key(|c| c[0].parse::<u32>().unwrap_or(0));
            prop_assert_eq!(folded, expected);
        }
    }
}
