//! The values an officer gives an editing command, one per field of the table the command
//! writes (`act` an `[[action]]`, `review` a `[[review]]`, `close` the `[closure]`). The
//! command's flags are the fields the record's description marks `Flag`, so a new field
//! marked so is taken, checked and written with no change here.

use crate::model::{Field, Kind, Record};
use chrono::NaiveDate;
use toml_edit::{Item, Table, Value};

/// Field values given on the command line, checked against their kind.
#[derive(Clone, Debug, Default)]
pub struct Given {
    values: Vec<(&'static str, Value)>,
}

impl Given {
    /// Sets (or replaces) a field's value.
    pub fn set(&mut self, name: &'static str, v: impl Into<Value>) {
        let v = v.into();
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = v,
            None => self.values.push((name, v)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name)?.as_str()
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name)?.as_integer()
    }

    pub fn date(&self, name: &str) -> Option<NaiveDate> {
        let d = self.get(name)?.as_datetime()?.date?;
        NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
    }

    /// Writes every value given into `t`, in the order `T`'s description lists its fields.
    pub fn fill<T: Record>(&self, t: &mut Table) {
        for f in T::fields() {
            if let Some(v) = self.get(f.name) {
                t.insert(f.name, Item::Value(v.clone()));
            }
        }
    }
}

/// Reads a flag's text as the field's kind of value, or says what is wrong.
pub fn parse(f: &Field, s: &str) -> Result<Value, String> {
    match f.kind {
        Kind::Date => crate::calendar::parse_input_date(s).map(super::toml_date),
        Kind::Int => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("\"{s}\" is not a whole number")),
        Kind::Bool => match s.trim() {
            "true" | "yes" => Ok(Value::from(true)),
            "false" | "no" => Ok(Value::from(false)),
            _ => Err(format!("\"{s}\" is not true or false")),
        },
        Kind::Word { what, names } => {
            if names.contains(&s) {
                Ok(Value::from(s))
            } else {
                let hint = crate::model::nearest(s, names.iter().copied())
                    .map(|n| format!(" Did you mean \"{n}\"?"))
                    .unwrap_or_default();
                Err(format!(
                    "\"{s}\" is not {} {what}.{hint} One of: {}",
                    crate::model::a_or_an(what),
                    names.join(", ")
                ))
            }
        }
        Kind::Texts => Ok(Value::Array(
            s.split(',').map(str::trim).filter(|x| !x.is_empty()).collect(),
        )),
        Kind::Text => Ok(Value::from(s)),
        Kind::Table(_) | Kind::Tables(_) => Err(format!("{} is a table, not a value", f.name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Closure, Review};

    fn field<T: Record>(name: &str) -> &'static Field {
        T::fields().iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn flags_are_read_as_their_fields_kind() {
        let d = parse(field::<Closure>("lost_pupils_uploaded"), "2026-10-01").unwrap();
        assert_eq!(d.to_string(), "2026-10-01");
        assert!(parse(field::<Closure>("mash_referral"), "1/10/26").is_err());
        let e = parse(field::<Closure>("outcome"), "onroll").unwrap_err();
        assert!(
            e.contains("not a closure outcome. Did you mean \"on-roll\"? One of: on-roll"),
            "{e}"
        );
        assert_eq!(parse(field::<Review>("cme_score"), "4").unwrap().as_integer(), Some(4));
    }

    #[test]
    fn values_are_written_in_the_descriptions_order() {
        let mut g = Given::default();
        g.set("note", "Seen at the address");
        g.set("outcome", "on-roll");
        g.set("date", parse(field::<Closure>("date"), "2026-10-01").unwrap());
        let mut t = Table::new();
        g.fill::<Closure>(&mut t);
        let keys: Vec<&str> = t.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["date", "outcome", "note"]);
        assert_eq!(g.date("date"), NaiveDate::from_ymd_opt(2026, 10, 1));
    }
}
