//! `cme import-ctf FILE.xml`: opens a case for each pupil of a "missing" Common Transfer
//! File (the DfE school-to-school XML; destination LA XXX and school XXXX, written XXXXXXX).
//! Elements not used are ignored; a file that cannot be read as a CTF is refused whole; a
//! pupil whose details are wrong (a bad UPN, a date of birth that is not a date) is refused
//! alone, saying why, and the others are imported; a pupil with an open case for the same
//! UPN is not opened twice.

use super::commands::write_new;
use super::{EditError, Result};
use crate::duplicate::Identity;
use crate::load::Repo;
use crate::model::*;
use chrono::NaiveDate;
use roxmltree::{Document, Node};

/// A pupil as the CTF describes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Pupil {
    pub upn: Option<String>,
    pub surname: String,
    pub forename: String,
    pub dob: NaiveDate,
    pub gender: Option<Gender>,
    pub address: Option<String>,
    pub in_care: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ctf {
    pub school_name: Option<String>,
    pub school_urn: Option<String>,
    pub source_lea: Option<String>,
    pub dest_lea: String,
    pub dest_estab: String,
    pub made: Option<NaiveDate>,
    /// Each pupil in the file's order, or why that pupil cannot be read.
    pub pupils: Vec<std::result::Result<Pupil, String>>,
}

impl Ctf {
    /// XXX / XXXX: the school did not know where the pupils went.
    pub fn destination_unknown(&self) -> bool {
        self.dest_lea == "XXX" && self.dest_estab == "XXXX"
    }
}

fn child<'a>(n: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    n.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text(n: Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name)
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Reads a CTF. A file that is not one is refused whole; a pupil that cannot be read is
/// kept as why, naming the pupil and element.
pub fn parse(xml: &str) -> std::result::Result<Ctf, String> {
    let doc = Document::parse(xml).map_err(|e| format!("is not well-formed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "CTfile" {
        return Err(format!(
            "is not a Common Transfer File: its root element is <{}>, not <CTfile>",
            root.tag_name().name()
        ));
    }
    let header = child(root, "Header").ok_or("has no <Header>")?;
    let dest = child(header, "DestSchool").ok_or("has no <Header><DestSchool>: the destination cannot be read")?;
    let source = child(header, "SourceSchool");
    let made = text(header, "DateTime").and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok());
    let data = child(root, "CTFpupilData").ok_or("has no <CTFpupilData>")?;
    let mut pupils = Vec::new();
    for (i, p) in data
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "Pupil")
        .enumerate()
    {
        pupils.push(pupil(i + 1, p));
    }
    Ok(Ctf {
        school_name: source.and_then(|s| text(s, "SchoolName")),
        school_urn: source.and_then(|s| text(s, "URN")),
        source_lea: source.and_then(|s| text(s, "LEA")),
        dest_lea: text(dest, "LEA").unwrap_or_default(),
        dest_estab: text(dest, "Estab").unwrap_or_default(),
        made,
        pupils,
    })
}

/// One pupil of the file (the `n`th), or why it cannot be read.
fn pupil(n: usize, p: Node<'_, '_>) -> std::result::Result<Pupil, String> {
    let need = |name: &str| text(p, name).ok_or_else(|| format!("pupil {n} has no <{name}>"));
    let surname = need("Surname")?;
    let forename = need("Forename")?;
    let dob_text = need("DOB")?;
    let dob = NaiveDate::parse_from_str(&dob_text, "%Y-%m-%d").map_err(|_| {
        format!("pupil {n} ({forename} {surname}) has <DOB>{dob_text}</DOB>, not a date like 2014-05-14")
    })?;
    let gender = match text(p, "Sex").or_else(|| text(p, "Gender")).as_deref() {
        Some("F") => Some(Gender::F),
        Some("M") => Some(Gender::M),
        Some(_) => Some(Gender::X),
        None => None,
    };
    let address = child(p, "Address")
        .map(|a| {
            let mut parts: Vec<String> = Vec::new();
            for holder in ["BS7666Address", "AddressLines"] {
                if let Some(h) = child(a, holder) {
                    parts.extend(
                        h.children()
                            .filter(|c| c.is_element())
                            .filter_map(|c| c.text())
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(str::to_string),
                    );
                }
            }
            if let Some(pc) = text(a, "PostCode") {
                parts.push(pc);
            }
            parts.join(", ")
        })
        .filter(|a| !a.is_empty());
    let in_care = child(p, "LookedAfter")
        .and_then(|l| text(l, "InCare"))
        .is_some_and(|v| matches!(v.to_lowercase().as_str(), "true" | "1" | "yes"));
    Ok(Pupil {
        upn: text(p, "UPN"),
        surname,
        forename,
        dob,
        gender,
        address,
        in_care,
    })
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    pub created: Vec<String>,
    pub skipped: Vec<String>,
    /// Pupils not opened because an open case may already be theirs (a case not imported
    /// from this file): an officer must look (exit 1).
    pub possible_duplicates: Vec<String>,
    /// Pupils not imported because their details are wrong, each with why (exit 1): the
    /// others are imported, and importing the file again once it is put right skips them.
    pub refused: Vec<String>,
    /// The file's name, for the commit message.
    pub file: String,
}

impl super::Written for Imported {
    fn files(&self) -> Vec<&str> {
        self.created.iter().map(String::as_str).collect()
    }
    fn message(&self) -> String {
        let n = self.created.len();
        format!(
            "Import {n} case{} from the missing CTF {}",
            if n == 1 { "" } else { "s" },
            self.file
        )
    }
}

pub fn import(repo: &Repo, today: NaiveDate, path: &std::path::Path) -> Result<Imported> {
    // The size is checked before reading (a CTF is a few kilobytes per pupil).
    let bytes = crate::load::read_limited(path, 64 * 1024 * 1024)
        .map_err(|e| EditError::Usage(format!("{} cannot be read: {e}", path.display())))?;
    let xml =
        String::from_utf8(bytes).map_err(|_| EditError::Usage(format!("{} is not UTF-8 text", path.display())))?;
    let ctf = parse(&xml).map_err(|e| EditError::Usage(format!("{} {e}; nothing was imported", path.display())))?;
    let mut out = Imported {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..Imported::default()
    };
    if !ctf.destination_unknown() {
        out.skipped.push(format!(
            "the file's destination is {}{}, not unknown (XXXXXXX): no case opened",
            ctf.dest_lea, ctf.dest_estab
        ));
        return Ok(out);
    }
    // The cases there are: a pupil with an open case (by UPN, or by name and date of birth),
    // or whose case was opened from this same file, is not opened again, so importing a file
    // twice changes nothing.
    let (paths, _) = repo.store.case_paths();
    let existing: Vec<Case> = crate::load::read_many(repo, &paths)
        .into_iter()
        .filter_map(|f| f.case)
        .collect();
    let mut open: Vec<Identity> = existing.iter().filter(|c| c.is_open()).map(Identity::of).collect();
    let from_this_file = |c: &Case| {
        c.school.as_ref().is_some_and(|s| {
            Some(&s.name) == ctf.school_name.as_ref() && s.missing_ctf_uploaded == ctf.made.filter(|d| *d <= today)
        }) && c.referral.source == Source::School
            && c.referral.reason == Reason::MovedUnknownSchool
    };
    // Every pupil is checked before any is written; a pupil whose details are wrong is
    // refused alone, saying why.
    let mut plans = Vec::new();
    // Every case opened today is of this year; the repository is read for the number once.
    let year = chrono::Datelike::year(&today);
    let mut number = super::commands::next_number(repo, year);
    let mut planned = std::collections::HashSet::new();
    for (i, p) in ctf.pupils.iter().enumerate() {
        let p = match p {
            Ok(p) => p,
            Err(why) => {
                out.refused.push(why.clone());
                continue;
            }
        };
        let who = format!("{} {}", p.forename, p.surname);
        if let Some(upn) = &p.upn
            && let Err(e) = upn::validate(upn)
        {
            out.refused.push(format!(
                "pupil {} ({who}): the UPN \"{upn}\" is not valid ({e}); ask the school for the right one",
                i + 1
            ));
            continue;
        }
        let me = Identity {
            id: String::new(),
            upn: p.upn.as_ref().map(|u| u.trim().to_ascii_uppercase()),
            dob: p.dob,
            family: crate::duplicate::normalise(&p.surname),
            given: crate::duplicate::normalise(&p.forename),
            acknowledged: false,
        };
        if let Some(c) = existing
            .iter()
            .find(|c| from_this_file(c) && Identity::of(c).matches(&me).is_some())
        {
            out.skipped
                .push(format!("{who}: already imported from this file as {}", c.id));
            continue;
        }
        if let Some((how, other)) = crate::duplicate::matches_of(&me, &open).first() {
            if planned.contains(&other.id) {
                out.skipped.push(format!(
                    "{who}: listed twice in this file (opened once, as {})",
                    other.id
                ));
            } else if *how == crate::duplicate::Match::Upn {
                out.skipped.push(format!(
                    "{who} (UPN {}): already open as {}",
                    me.upn.as_deref().unwrap_or(""),
                    other.id
                ));
            } else {
                out.possible_duplicates.push(format!(
                    "{who}: open case {} is for a child with the same date of birth, family name and a matching given name",
                    other.id
                ));
            }
            continue;
        }
        let case_id = super::commands::case_id(repo, year, number);
        let rel = case_id.path();
        let id = case_id.to_string();
        let mut vulnerabilities = Vec::new();
        // The pack says which of its vulnerabilities a looked-after flag is.
        if p.in_care
            && let Some(v) = repo.pack.vulnerabilities.iter().find(|v| v.ctf_looked_after)
        {
            vulnerabilities.push(v.id.clone());
        }
        // Every field named; one added to the record's description later takes its default.
        #[allow(clippy::needless_update)]
        let case = Case {
            format: FORMAT_VERSION,
            id: id.clone(),
            status: Status::Open,
            child: Child {
                given_name: p.forename.clone(),
                family_name: p.surname.clone(),
                date_of_birth: p.dob,
                upn: p.upn.clone(),
                gender: p.gender,
                last_known_address: p.address.clone(),
                whereabouts: Whereabouts::Unknown,
                vulnerabilities,
                ..Default::default()
            },
            referral: Referral {
                received: today,
                source: Source::School,
                referrer: ctf.school_name.clone().map(|s| format!("{s} (missing CTF)")),
                reason: Reason::MovedUnknownSchool,
                ..Default::default()
            },
            school: ctf.school_name.clone().map(|name| School {
                urn: ctf
                    .school_urn
                    .clone()
                    .filter(|u| u.len() == 6 && u.bytes().all(|b| b.is_ascii_digit())),
                missing_ctf_uploaded: ctf.made.filter(|d| *d <= today),
                ..School::named(name)
            }),
            ..Default::default()
        };
        let report = super::check_text(repo, &rel, &write::to_toml(&case), today);
        if report.errors() > 0 {
            let why: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == crate::pack::Severity::Error)
                .map(|d| format!("{} {}", d.rule, d.message))
                .collect();
            out.refused.push(format!(
                "pupil {} ({who}): the case would break the policy: {}",
                i + 1,
                why.join("; ")
            ));
            continue;
        }
        number += 1;
        planned.insert(id.clone());
        open.push(Identity { id: id.clone(), ..me });
        plans.push((rel, case));
    }
    for (rel, case) in plans {
        write_new(repo, today, &rel, &case)?;
        out.created.push(rel);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gender_or_sex_and_both_address_shapes() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<CTfile><Header><DocumentName>Common Transfer File</DocumentName><CTFversion>20.0</CTFversion>
<DateTime>2026-07-16T10:00:00</DateTime><SourceSchool><LEA>951</LEA><Estab>2001</Estab><URN>951001</URN>
<SchoolName>Sampleford Primary School</SchoolName></SourceSchool><DestSchool><LEA>XXX</LEA><Estab>XXXX</Estab></DestSchool></Header>
<CTFpupilData><Pupil><UPN>B801200005001</UPN><Surname>Example</Surname><Forename>Ava</Forename><DOB>2014-05-14</DOB><Sex>F</Sex>
<Address><AddressLines><AddressLine1>12 Sample Street</AddressLine1><AddressLine2>Exampletown</AddressLine2></AddressLines><PostCode>EX1 2AB</PostCode></Address>
<Unknown>ignored</Unknown></Pupil>
<Pupil><Surname>Other</Surname><Forename>Ben</Forename><DOB>2013-01-02</DOB><Gender>M</Gender>
<LookedAfter><InCare>true</InCare></LookedAfter>
<Address><BS7666Address><PAON>4</PAON><Street>Elm Row</Street><Town>Exampletown</Town></BS7666Address><PostCode>EX4 7ER</PostCode></Address></Pupil>
</CTFpupilData></CTfile>"#;
        let c = parse(xml).unwrap();
        assert!(c.destination_unknown());
        assert_eq!(c.made, NaiveDate::from_ymd_opt(2026, 7, 16));
        let (a, b) = (c.pupils[0].as_ref().unwrap(), c.pupils[1].as_ref().unwrap());
        assert_eq!(a.gender, Some(Gender::F));
        assert_eq!(a.address.as_deref(), Some("12 Sample Street, Exampletown, EX1 2AB"));
        assert_eq!(b.gender, Some(Gender::M));
        assert!(b.in_care);
        assert_eq!(b.address.as_deref(), Some("4, Elm Row, Exampletown, EX4 7ER"));
    }

    #[test]
    fn malformed_files_are_refused_with_a_reason() {
        assert!(parse("<CTfile><Header>").unwrap_err().contains("not well-formed"));
        assert!(parse("<Other/>").unwrap_err().contains("root element is <Other>"));
        // A pupil that cannot be read is that pupil's problem, not the file's.
        let c = parse("<CTfile><Header><DestSchool><LEA>XXX</LEA></DestSchool></Header><CTFpupilData><Pupil><Surname>A</Surname><Forename>B</Forename><DOB>14/05/2014</DOB></Pupil><Pupil><Surname>C</Surname><Forename>D</Forename><DOB>2014-05-14</DOB></Pupil></CTFpupilData></CTfile>").unwrap();
        let e = c.pupils[0].as_ref().unwrap_err();
        assert!(e.contains("pupil 1 (B A)") && e.contains("not a date"), "{e}");
        assert!(c.pupils[1].is_ok());
    }
}
