use super::*;
use zhenxing_domain::policy::{Policy, shipped};
use zhenxing_domain::{AreaCode, PolicyYear};

fn kind(code: &str) -> ScreeningKind {
    let text = shipped(
        AreaCode::parse("62").unwrap(),
        PolicyYear::new(2025).unwrap(),
    )
    .unwrap();
    Policy::parse(text)
        .unwrap()
        .screening_kind(code)
        .unwrap()
        .clone()
}

/// Every data row as (row number, the kind's cells joined by `|`).
fn rows(file: &DepartmentFile) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    file.read_rows(&mut |_, row, cells, _| {
        let cells: Vec<&str> = cells.iter().map(|c| c.unwrap_or("-")).collect();
        out.push((row, cells.join("|")));
        true
    })
    .unwrap();
    out
}

#[test]
fn finds_the_header_below_a_title_by_any_name_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("医保.csv");
    std::fs::write(
        &p,
        "某县2025年医保结算数据,,,,\r\n备注,结算时间,自付金额（元）,身份证号,患者姓名\r\n住院,2025-03-01,1200.50,62010219700101001X,张三\r\n,,,,\r\n门诊,,30,620102197001010029,\r\n",
    )
    .unwrap();
    let file = DepartmentFile::open(&p, &kind("medical")).unwrap();
    assert_eq!(file.sheets[0].header_row, 2);
    assert_eq!(
        rows(&file),
        vec![
            (3, "62010219700101001X|1200.50|2025-03-01|张三".to_string()),
            (5, "620102197001010029|30||".to_string()),
        ]
    );
    let k = kind("medical");
    assert_eq!(file.sheets[0].header(&k, 1), "自付金额（元）");
    let name = k.name_column().unwrap();
    assert!(file.sheets[0].has_column(name));
    assert_eq!(file.sheets[0].header(&k, name), "患者姓名");
}

#[test]
fn reads_gbk_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let text = "证件号码,残疾等级,发证日期\r\n62010219700101001X,二级,2025-01-05\r\n";
    let gbk = dir.path().join("残联.csv");
    std::fs::write(&gbk, encoding_rs::GBK.encode(text).0).unwrap();
    let file = DepartmentFile::open(&gbk, &kind("disability")).unwrap();
    assert_eq!(
        rows(&file),
        vec![(2, "62010219700101001X|二级|2025-01-05|-|-".to_string())]
    );

    let xlsx = dir.path().join("残联.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["残疾类别", "证件号码", "残疾等级", "发证日期"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["肢体", "62010219700101001X", "一级", "2025-02-01"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    book.save(&xlsx).unwrap();
    let file = DepartmentFile::open(&xlsx, &kind("disability")).unwrap();
    assert_eq!(
        rows(&file),
        vec![(2, "62010219700101001X|一级|2025-02-01|肢体|-".to_string())]
    );
}

#[test]
fn a_file_without_the_kind_s_columns_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.csv");
    std::fs::write(&p, "证件号码,金额\r\n62010219700101001X,3\r\n").unwrap();
    let e = DepartmentFile::open(&p, &kind("disaster")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "文件“x.csv”：不是“自然灾害损失”文件：在前30行中没有找到表头（缺少列：损失金额（元））"
    );
    std::fs::write(&p, "证件号码,身份证号,损失金额\r\n").unwrap();
    let e = DepartmentFile::open(&p, &kind("disaster")).unwrap_err();
    assert_eq!(e.error.code(), "duplicate_column");
}
