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

#[cfg(test)]
mod tests {
    use super::*;

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
