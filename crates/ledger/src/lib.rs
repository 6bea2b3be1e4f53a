//! County ledgers (台账) in and out.
//!
//! Reading: [`read::Ledger::open`] finds the header of a households or members ledger in a CSV
//! (UTF-8, UTF-8 with BOM, GBK/GB18030), xlsx or xls (`xls`) file, or a web page's table saved
//! as .xls (`html`), below any title rows, matching columns by
//! name in any order; [`parse`] turns each row into a domain record or row errors in Chinese.
//! Writing: [`write`] produces the same layout, so an unmasked export imports back unchanged.
#![forbid(unsafe_code)]

pub mod construction;
pub mod cooperation;
pub mod department;
pub mod employment;
pub mod error;
mod html;
pub mod layout;
pub mod loan;
pub mod monitoring;
pub mod parse;
pub mod persons;
pub mod project;
pub mod read;
pub mod rejected;
pub mod table;
pub mod work_team;
pub mod write;
mod xls;

pub use error::{FileError, LedgerError, RowError};
pub use layout::LedgerKind;
pub use read::{Ledger, RawRow, SheetPlan};
