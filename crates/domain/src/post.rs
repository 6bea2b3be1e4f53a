//! Policies and work news (政策文件库, 工作动态; DOMAIN §11): what an office publishes to its area —
//! a province's or county's policy documents to everyone below, a township's or county's work
//! news up and across. A post is text: a title, its body, where it comes from (发文单位、文号),
//! the day it was published.

use chrono::NaiveDate;
use serde::Serialize;

use crate::labelled_enum;

labelled_enum!(
    /// 类别.
    PostKind, "类别" {
        Policy = 1 => "政策文件" | "政策",
        News = 2 => "工作动态" | "动态",
    }
);

/// A post as it is written, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Post {
    pub kind: PostKind,
    pub title: String,
    pub body: String,
    /// 发文单位、文号 (optional).
    pub source: Option<String>,
    pub published_on: NaiveDate,
}

impl Post {
    pub const MAX_TITLE: usize = 100;
    pub const MAX_BODY: usize = 20_000;
    pub const MAX_SOURCE: usize = 100;

    /// A post from what was typed: every problem told (field label, why).
    pub fn new(
        kind: PostKind,
        title: &str,
        body: &str,
        source: Option<&str>,
        published_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Post, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let title = title.trim();
        if title.is_empty() {
            errors.push(("标题", "不能为空".to_string()));
        } else if title.chars().count() > Self::MAX_TITLE {
            errors.push(("标题", format!("最多{}个字", Self::MAX_TITLE)));
        } else if title.chars().any(char::is_control) {
            errors.push(("标题", "不能含控制字符或换行".to_string()));
        }
        // Line ends kept as typed, made "\n"; other control characters refused.
        let body = body.replace("\r\n", "\n").replace('\r', "\n");
        let body = body.trim();
        if body.is_empty() {
            errors.push(("正文", "不能为空".to_string()));
        } else if body.chars().count() > Self::MAX_BODY {
            errors.push(("正文", format!("最多{}个字", Self::MAX_BODY)));
        } else if body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            errors.push(("正文", "不能含控制字符".to_string()));
        }
        let source = source.map(str::trim).filter(|s| !s.is_empty());
        if let Some(s) = source
            && (s.chars().count() > Self::MAX_SOURCE || s.chars().any(char::is_control))
        {
            errors.push((
                "发文单位、文号",
                format!("最多{}个字，不能换行", Self::MAX_SOURCE),
            ));
        }
        if published_on > today {
            errors.push(("发布日期", format!("{published_on}晚于今天")));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Post {
            kind,
            title: title.to_string(),
            body: body.to_string(),
            source: source.map(str::to_string),
            published_on,
        })
    }

    /// The body's paragraphs (its non-empty lines), as a page shows them.
    pub fn paragraphs(&self) -> Vec<&str> {
        self.body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// A file attached to a post (the document itself: 红头文件 as PDF or OFD, a Word or WPS file, a
/// table, a scan): its name as uploaded, its kind read from its first bytes and agreeing with
/// its extension, at most [`Attachment::MAX_BYTES`].
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Attachment({}, {}, {} bytes)",
            self.name,
            self.content_type,
            self.bytes.len()
        )
    }
}

/// The first bytes of each kind of file.
const PDF: &[u8] = b"%PDF-";
const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const JPEG: &[u8] = b"\xFF\xD8\xFF";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The extensions taken: each with its content type and the first bytes its files begin with.
const KINDS: &[(&str, &str, &[u8])] = &[
    ("pdf", "application/pdf", PDF),
    ("ofd", "application/ofd", ZIP),
    ("doc", "application/msword", OLE),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
    ),
    ("wps", "application/vnd.ms-works", OLE),
    ("xls", "application/vnd.ms-excel", OLE),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ZIP,
    ),
    ("et", "application/vnd.ms-excel", OLE),
    ("jpg", "image/jpeg", JPEG),
    ("jpeg", "image/jpeg", JPEG),
    ("png", "image/png", PNG),
];

/// Why a file cannot be attached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error(
        "附件“{0}”：只能上传 PDF、OFD、Word（doc/docx）、WPS、Excel（xls/xlsx/et）或图片（jpg/png）"
    )]
    Kind(String),
    #[error("附件“{0}”：文件内容与扩展名不符（可能已损坏或改过扩展名）")]
    Content(String),
    #[error("附件“{name}”：{mb}MB，每个附件最多{max}MB")]
    TooLarge {
        name: String,
        mb: String,
        max: usize,
    },
    #[error("附件“{0}”是空文件")]
    Empty(String),
    #[error("附件的文件名无效：{0}")]
    Name(String),
    #[error("每篇最多{}个附件", Attachment::MAX_PER_POST)]
    TooMany,
}

impl Attachment {
    pub const MAX_BYTES: usize = 20 * 1024 * 1024;
    pub const MAX_PER_POST: usize = 5;

    /// A file as uploaded: its name (the last part of the path the browser gave) and bytes.
    pub fn parse(file_name: &str, bytes: Vec<u8>) -> Result<Attachment, AttachmentError> {
        let name: String = file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if name.is_empty()
            || name.starts_with('.')
            || name.chars().count() > 100
            || name.chars().any(|c| c.is_control() || c == '"')
        {
            return Err(AttachmentError::Name(
                file_name
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(100)
                    .collect(),
            ));
        }
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let Some((_, content_type, magic)) = KINDS.iter().find(|(e, _, _)| *e == ext) else {
            return Err(AttachmentError::Kind(name));
        };
        if bytes.is_empty() {
            return Err(AttachmentError::Empty(name));
        }
        if bytes.len() > Self::MAX_BYTES {
            return Err(AttachmentError::TooLarge {
                mb: format!("{:.1}", bytes.len() as f64 / 1024.0 / 1024.0),
                name,
                max: Self::MAX_BYTES / 1024 / 1024,
            });
        }
        if !bytes.starts_with(magic) {
            return Err(AttachmentError::Content(name));
        }
        Ok(Attachment {
            name,
            content_type,
            bytes,
        })
    }
}

/// An attachment as kept: its number within the post, name, kind and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentMeta {
    pub seq: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

impl AttachmentMeta {
    /// "1.2 MB", "35 KB".
    pub fn size_text(&self) -> String {
        if self.size >= 1024 * 1024 {
            format!("{:.1} MB", self.size as f64 / 1024.0 / 1024.0)
        } else {
            format!("{} KB", (self.size + 1023) / 1024)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_is_taken_only_when_its_content_fits_its_name() {
        let pdf = b"%PDF-1.7\n...".to_vec();
        let a = Attachment::parse("C:\\文件\\甘乡振发〔2026〕1号.PDF", pdf.clone()).unwrap();
        assert_eq!(
            (a.name.as_str(), a.content_type),
            ("甘乡振发〔2026〕1号.PDF", "application/pdf")
        );
        let docx = b"PK\x03\x04rest".to_vec();
        assert!(Attachment::parse("通知.docx", docx.clone()).is_ok());
        assert!(Attachment::parse("通知.ofd", docx.clone()).is_ok());
        assert_eq!(
            Attachment::parse("通知.pdf", docx).unwrap_err(),
            AttachmentError::Content("通知.pdf".into())
        );
        assert_eq!(
            Attachment::parse("页面.html", b"<html>".to_vec()).unwrap_err(),
            AttachmentError::Kind("页面.html".into())
        );
        assert_eq!(
            Attachment::parse("无扩展名", pdf.clone()).unwrap_err(),
            AttachmentError::Kind("无扩展名".into())
        );
        assert_eq!(
            Attachment::parse("空.pdf", Vec::new()).unwrap_err(),
            AttachmentError::Empty("空.pdf".into())
        );
        assert!(matches!(
            Attachment::parse(".pdf", pdf.clone()),
            Err(AttachmentError::Name(_))
        ));
        let mut big = pdf.clone();
        big.resize(Attachment::MAX_BYTES + 1, 0);
        assert_eq!(
            Attachment::parse("大.pdf", big).unwrap_err().to_string(),
            "附件“大.pdf”：20.0MB，每个附件最多20MB"
        );
        let scan = b"\xFF\xD8\xFF\xE0".to_vec();
        assert_eq!(
            Attachment::parse("扫描件.jpg", scan).unwrap().content_type,
            "image/jpeg"
        );
        let meta = AttachmentMeta {
            seq: 1,
            name: "a.pdf".into(),
            content_type: "application/pdf".into(),
            size: 1536,
        };
        assert_eq!(meta.size_text(), "2 KB");
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_post_is_checked_and_kept_as_typed() {
        let p = Post::new(
            PostKind::Policy,
            " 关于做好2026年防返贫监测工作的通知 ",
            "各县区：\r\n\r\n  一、按月排查。\r\n二、及时纳入。",
            Some(" 甘乡振发〔2026〕1号 "),
            day("2026-03-01"),
            day("2026-12-01"),
        )
        .unwrap();
        assert_eq!(p.title, "关于做好2026年防返贫监测工作的通知");
        assert_eq!(p.source.as_deref(), Some("甘乡振发〔2026〕1号"));
        assert_eq!(
            p.paragraphs(),
            ["各县区：", "一、按月排查。", "二、及时纳入。"]
        );
    }

    #[test]
    fn every_problem_is_told() {
        let errors = Post::new(
            PostKind::News,
            &"很".repeat(101),
            "正文\u{0}",
            Some("a\nb"),
            day("2026-12-02"),
            day("2026-12-01"),
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["标题", "正文", "发文单位、文号", "发布日期"]);
        let empty = Post::new(
            PostKind::News,
            " ",
            " \n ",
            None,
            day("2026-12-01"),
            day("2026-12-01"),
        )
        .unwrap_err();
        assert_eq!(empty.len(), 2);
        assert_eq!(PostKind::parse("动态"), Ok(PostKind::News));
    }
}
