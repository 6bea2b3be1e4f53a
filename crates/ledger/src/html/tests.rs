use super::*;

/// The rows of a page written to a file (each row's cells joined by `|`).
fn rows_of(bytes: &[u8]) -> Vec<(u64, String)> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("导出.xls");
    std::fs::write(&p, bytes).unwrap();
    let encoding = html_encoding(&head_of(&p, 4096).unwrap());
    let mut out = Vec::new();
    read_html(&p, encoding, &mut |r| {
        let cells: Vec<&str> = r.cells.iter().map(|c| c.text.as_str()).collect();
        out.push((r.row, cells.join("|")));
        true
    })
    .unwrap();
    out
}

/// A page as Excel and the systems that export "xls" write it: a declared GBK charset,
/// conditional comments, a style block, a title over the columns, entities and padding.
const PAGE: &str = r#"<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv=Content-Type content="text/html; charset=gb2312">
<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:Name>户</x:Name></x:ExcelWorkbook></xml><![endif]-->
<style>td { mso-number-format:"\@"; } .x > td {}</style>
</head><body>
<table border=1>
<tr><td colspan=3 align=center>某县  2025年
 监测户台账</td></tr>
<tr><th>户编号</th><TH>户主<br>姓名</TH><th>人均纯收入（元）</th></tr>
<tr><td x:str>A001</td><td>张&nbsp;三</td><td>1,234.50</td></tr>
<![if supportMisalignedColumns]><tr height=0><td>&lt;隐藏&gt;</td></tr><![endif]>
<tr><td>A002</td><td>李四 &amp; 王五</td><td>&#20803;</td></tr>
</table></body></html>"#;

#[test]
fn reads_a_pages_table_as_a_sheet() {
    let (gbk, _, _) = encoding_rs::GBK.encode(PAGE);
    assert_eq!(html_encoding(&gbk), Encoding::Gb18030);
    assert_eq!(
        rows_of(&gbk),
        [
            (
                1,
                "某县 2025年 监测户台账|某县 2025年 监测户台账|某县 2025年 监测户台账".to_string()
            ),
            (2, "户编号|户主 姓名|人均纯收入（元）".to_string()),
            (3, "A001|张 三|1,234.50".to_string()),
            (4, "<隐藏>".to_string()),
            (5, "A002|李四 & 王五|元".to_string()),
        ]
    );
    // The same page in UTF-8, declared or not.
    let utf8 = PAGE.replace("charset=gb2312", "charset=utf-8");
    assert_eq!(rows_of(utf8.as_bytes()), rows_of(&gbk));
    let undeclared = PAGE.replace("charset=gb2312", "");
    assert_eq!(rows_of(undeclared.as_bytes()), rows_of(&gbk));
    let bom = format!("\u{feff}{undeclared}");
    assert_eq!(rows_of(bom.as_bytes()), rows_of(&gbk));
}

#[test]
fn a_cell_spanning_rows_is_read_into_each() {
    let page = "<table>\
        <tr><td rowspan=2>甲村</td><td rowspan=3>组</td><td>1</td></tr>\
        <tr><td>2</td></tr>\
        <tr><td>乙村</td><td>3</td></tr>\
        <tr><td>丙村</td><td>x</td><td>4</td></tr>\
        <tr><td>丁村</td><td colspan=2 rowspan=2>合并</td><td>5</td></tr>\
        <tr><td>戊村</td></tr>\
        </table>";
    assert_eq!(
        rows_of(page.as_bytes()),
        [
            (1, "甲村|组|1".to_string()),
            (2, "甲村|组|2".to_string()),
            (3, "乙村|组|3".to_string()),
            (4, "丙村|x|4".to_string()),
            (5, "丁村|合并|合并|5".to_string()),
            (6, "戊村|合并|合并".to_string()),
        ]
    );
}

#[test]
fn tags_and_text_across_reads_of_a_long_page() {
    // Longer than the reader's buffer many times over: rows cut anywhere between two reads.
    let mut page = String::from("<table><tr><th>证件号码</th><th>姓名</th></tr>\n");
    for i in 0..5000 {
        page.push_str(&format!(
            "<tr><td style=\"mso-number-format:'\\@'\">62010219700101{i:04}</td><td>名字{i}</td></tr>\n"
        ));
    }
    page.push_str("<!-- a comment > with a bracket --></table>");
    let rows = rows_of(page.as_bytes());
    assert_eq!(rows.len(), 5001);
    assert_eq!(
        rows[5000],
        (5001, "620102197001014999|名字4999".to_string())
    );
    assert!(rows.iter().skip(1).all(|(_, r)| r.starts_with("6201")));
}

#[test]
fn spans_and_cells_are_bounded() {
    // A few bytes asking for more columns and rows than any sheet has.
    let page = format!(
        "<table><tr><td colspan=999999999 rowspan=99999999>{}</td></tr><tr><td>b</td></tr></table>",
        "长".repeat(1000)
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.html");
    std::fs::write(&p, &page).unwrap();
    let mut widths = Vec::new();
    let mut copied = Vec::new();
    read_html(&p, Encoding::Utf8, &mut |r| {
        widths.push(r.cells.len());
        copied.push(r.cells.iter().filter(|c| !c.text.is_empty()).count());
        true
    })
    .unwrap();
    // The first row's copies stop at the row's budget (the empty ones after them are no
    // cells); the span covers the next row as far, and its own cell is beyond a sheet's last
    // column.
    assert_eq!(widths, copied);
    let budget = MAX_COPIED / 3000;
    assert_eq!(copied, [budget + 1, budget]);

    let long = format!(
        "<table><tr><td>{}</td></tr></table>",
        "x".repeat(MAX_CELL + 10)
    );
    let rows = rows_of(long.as_bytes());
    assert_eq!(rows[0].1.len(), MAX_CELL);
}

#[test]
fn reading_stops_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.html");
    std::fs::write(
        &p,
        "<table><tr><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr>",
    )
    .unwrap();
    let mut seen = 0;
    read_html(&p, Encoding::Utf8, &mut |_| {
        seen += 1;
        seen < 2
    })
    .unwrap();
    assert_eq!(seen, 2);
}

#[test]
fn entities_and_attributes() {
    assert_eq!(
        cell_text(" a&amp;b &#x4E00;&#19968; &bogus; & &#99999999; "),
        "a&b 一一 &bogus; & &#99999999;"
    );
    assert_eq!(attr_number(b" colspan=\"3\" rowspan='2'", b"colspan"), 3);
    assert_eq!(attr_number(b" colspan=\"3\" rowspan='2'", b"rowspan"), 2);
    assert_eq!(attr_number(b" data-colspan=5", b"colspan"), 1);
    assert_eq!(attr_number(b" colspan=x", b"colspan"), 1);
    assert_eq!(attr_number(b"", b"colspan"), 1);
}
