//! The division tree: Gansu's 2023 edition ships inside the product; another province's tree in
//! the same CSV columns (`code,name,level,parent_code`) can be loaded from a file.

use std::path::Path;

use zhenxing_domain::{AreaCode, AreaLevel, Division, DivisionTree};

use crate::{App, AppError};

/// `data/gansu-divisions.csv`: NBS statistical division codes, 2023 edition (see data/README.md).
pub const GANSU_2023: &str = include_str!("../../../data/gansu-divisions.csv");
pub const GANSU_EDITION: u16 = 2023;

/// Parses a division CSV, naming the line of the first problem.
pub fn parse_divisions(csv_text: &str) -> Result<Vec<Division>, AppError> {
    let text = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| AppError::Divisions(e.to_string()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                AppError::Divisions(format!(
                    "缺少列“{name}”（应有 code,name,level,parent_code）"
                ))
            })
    };
    let (c_code, c_name, c_level, c_parent) = (
        col("code")?,
        col("name")?,
        col("level")?,
        col("parent_code")?,
    );
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| AppError::Divisions(format!("第{line}行：{e}")))?;
        let field = |c: usize| record.get(c).unwrap_or("").trim();
        let bad = |what: &str, e: &dyn std::fmt::Display| {
            AppError::Divisions(format!("第{line}行 {what}：{e}"))
        };
        let code = AreaCode::parse(field(c_code)).map_err(|e| bad("code", &e))?;
        let level = field(c_level)
            .parse::<u8>()
            .ok()
            .and_then(AreaLevel::from_number)
            .ok_or_else(|| bad("level", &"应为1至5"))?;
        let parent = match field(c_parent) {
            "" => None,
            p => Some(AreaCode::parse(p).map_err(|e| bad("parent_code", &e))?),
        };
        let name = field(c_name);
        if name.is_empty() {
            return Err(bad("name", &"名称为空"));
        }
        out.push(Division {
            code,
            name: name.to_string(),
            level,
            parent,
        });
    }
    // Check the tree before anything is written.
    DivisionTree::build(out.clone()).map_err(|e| AppError::Divisions(e.to_string()))?;
    Ok(out)
}

impl App {
    /// Loads a division tree (the shipped Gansu tree when `file` is `None`) and reloads the cache.
    pub async fn load_divisions(
        &self,
        file: Option<&Path>,
        edition: Option<u16>,
    ) -> Result<usize, AppError> {
        let (divisions, edition) = match file {
            None => (
                parse_divisions(GANSU_2023)?,
                edition.unwrap_or(GANSU_EDITION),
            ),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| AppError::Divisions(format!("{}：{e}", path.display())))?;
                (parse_divisions(&text)?, edition.unwrap_or(GANSU_EDITION))
            }
        };
        // Adding a province's tree beside another must still make one consistent tree.
        let mut all = self.store().divisions().await?;
        all.retain(|d| !divisions.iter().any(|n| n.code == d.code));
        all.extend(divisions.iter().cloned());
        DivisionTree::build(all).map_err(|e| AppError::Divisions(e.to_string()))?;
        let n = self.store().load_divisions(edition, &divisions).await?;
        self.reload_tree().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_tree_is_gansu_2023() {
        let divisions = parse_divisions(GANSU_2023).unwrap();
        assert_eq!(divisions.len(), 19_224);
        let villages = divisions
            .iter()
            .filter(|d| d.level == AreaLevel::Village)
            .count();
        assert_eq!(villages, 17_718);
        let counties = divisions
            .iter()
            .filter(|d| d.level == AreaLevel::County)
            .count();
        assert_eq!(counties, 88);
    }

    #[test]
    fn names_the_bad_line() {
        let e = parse_divisions("code,name,level,parent_code\n620000000000,甘肃省,1,\n620100000000,兰州市,9,620000000000\n").err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("区划文件有误：第3行 level：应为1至5")
        );
        assert!(parse_divisions("code,name\n").is_err());
    }
}
