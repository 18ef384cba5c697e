//! What one field of the record is: its key, the words a page and an officer see, the kind
//! of value it holds, and what the tool does with it. The [`record!`](super::record) tables
//! in `model/mod.rs` are made of these; every part of the tool that lists, reads, writes,
//! shows, edits or describes a field walks them instead of naming fields one by one.

use super::decode::{Decoder, Table};
use super::write::Out;
use chrono::NaiveDate;

/// One field of one table of the record.
#[derive(Debug)]
pub struct Field {
    /// The key as written in the file (`lost_pupils_uploaded`).
    pub name: &'static str,
    /// What a page, a history and a form call it ("Lost Pupils database upload").
    pub label: &'static str,
    /// The field's doc comment: the JSON Schema's description and the flag's help.
    pub doc: &'static str,
    pub kind: Kind,
    /// Whether a table without it is refused (COM-SCHEMA).
    pub required: bool,
    pub opts: &'static [Opt],
}

/// The kind of value a field holds.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Text,
    Date,
    Bool,
    Int,
    /// One word of a fixed vocabulary.
    Word {
        what: &'static str,
        names: &'static [&'static str],
    },
    /// A list of texts (ids from the pack, usually).
    Texts,
    /// One table (`[child]`).
    Table(&'static Shape),
    /// An array of tables (`[[action]]`).
    Tables(&'static Shape),
}

/// A table's description: what [`Kind::Table`] and [`Kind::Tables`] point at.
#[derive(Debug)]
pub struct Shape {
    /// The Rust and JSON Schema name ("Closure").
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
}

/// What the tool does with a field beyond reading and writing it.
#[derive(Clone, Copy, Debug)]
pub enum Opt {
    /// Text that may run over several lines (notes, comments); other text is one line.
    Multiline,
    /// The editing command that writes this table takes it as `--flag`.
    Flag,
    /// As [`Opt::Flag`], and the command cannot run without it.
    FlagRequired,
    /// Its values are ids from the repository's own lists.
    Lookup(Ids),
    /// A score on a scale, lowest to highest (a review form's 1 to 5).
    Scale(i64, i64),
    /// A date still to come (a reply's due date), not a date something happened.
    Ahead,
    /// A further check of a value read from a file: the problem and a hint, if any.
    Check(fn(&str, &Value<'_>) -> Option<(String, String)>),
}

/// The repository's lists a field's values come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ids {
    Officers,
    /// An officer, or `school` for what the child's school did ([`super::SCHOOL`]).
    Actors,
    Vulnerabilities,
    Checks,
    Escalations,
    Documents,
    Grounds,
}

impl Field {
    pub fn has(&self, f: impl Fn(&Opt) -> bool) -> bool {
        self.opts.iter().any(f)
    }

    pub fn multiline(&self) -> bool {
        self.has(|o| matches!(o, Opt::Multiline))
    }

    /// Whether an editing command takes it, and whether it must.
    pub fn flag(&self) -> Option<bool> {
        self.opts.iter().find_map(|o| match o {
            Opt::Flag => Some(false),
            Opt::FlagRequired => Some(true),
            _ => None,
        })
    }

    pub fn lookup(&self) -> Option<Ids> {
        self.opts.iter().find_map(|o| match o {
            Opt::Lookup(ids) => Some(*ids),
            _ => None,
        })
    }

    /// The scale a score runs on.
    pub fn scale(&self) -> Option<(i64, i64)> {
        self.opts.iter().find_map(|o| match o {
            Opt::Scale(lo, hi) => Some((*lo, *hi)),
            _ => None,
        })
    }

    /// Whether `n` is off the field's scale: what to say if so.
    pub fn off_scale(&self, n: i64) -> Option<(i64, i64)> {
        self.scale().filter(|(lo, hi)| !(*lo..=*hi).contains(&n))
    }

    /// The command-line flag: `--lost-pupils-uploaded`.
    pub fn flag_name(&self) -> String {
        self.name.replace('_', "-")
    }

    /// What its flag takes, as `--help` shows it: `YYYY-MM-DD`, `ID`, `WORD`, `N`, `TEXT`.
    pub fn value_name(&self) -> &'static str {
        match (self.kind, self.lookup()) {
            (Kind::Date, _) => "YYYY-MM-DD",
            (_, Some(_)) => "ID",
            (Kind::Word { .. }, _) => "WORD",
            (Kind::Int, _) => "N",
            _ => "TEXT",
        }
    }

    /// The field's doc comment as one paragraph.
    pub fn description(&self) -> String {
        description(self.doc)
    }
}

/// A doc comment's lines as one paragraph.
pub fn description(doc: &str) -> String {
    doc.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A field's value, read through its description.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    Absent,
    Text(&'a str),
    Date(NaiveDate),
    Bool(bool),
    Int(i64),
    Word(&'static str),
    Texts(&'a [String]),
    /// A table or a list of tables: read through its own fields.
    Tables(usize),
}

impl Value<'_> {
    /// Written and not blank.
    pub fn is_filled(&self) -> bool {
        match self {
            Value::Absent => false,
            Value::Text(s) => !s.trim().is_empty(),
            Value::Texts(v) => !v.is_empty(),
            Value::Tables(n) => *n > 0,
            _ => true,
        }
    }

    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }
}

/// A table of the record, described by a [`record!`](super::record) table.
pub trait Record: Sized + Default + 'static {
    const SHAPE: Shape;
    /// The same, as a reference that lives as long as the program.
    const SHAPE_REF: &'static Shape;
    /// Reads the table's fields, reporting every problem; `None` when one is broken.
    fn decode_fields(d: &mut Decoder, t: &mut Table<'_, '_>) -> Option<Self>;
    /// Writes the fields in the order described, sub-tables last.
    fn write_fields(&self, o: &mut Out);
    /// A field's value by its key.
    fn value(&self, key: &str) -> Option<Value<'_>>;
    /// Calls `f` with every value of the table and the tables inside it, with its path
    /// (`closure.date`, `action[3].by`, as [`super::Spans`] names them), in the described order.
    fn walk(&self, prefix: &str, want: Want<'_>, f: &mut dyn FnMut(&str, &'static Field, Value<'_>));

    /// The fields, as described.
    fn fields() -> &'static [Field] {
        Self::SHAPE.fields
    }

    /// Each field with its value, in the order described.
    fn values(&self) -> Vec<(&'static Field, Value<'_>)> {
        Self::fields()
            .iter()
            .map(|f| (f, self.value(f.name).unwrap_or(Value::Absent)))
            .collect()
    }
}

/// Which fields a walk of the record calls back for (tables are always gone into).
pub type Want<'a> = &'a dyn Fn(&Field) -> bool;

/// A type a field may hold: how it is read, written, shown and described.
pub trait FieldType: Sized {
    const KIND: Kind;
    const REQUIRED: bool;
    /// Reads the field from `t`; `None` when it is missing (and required) or broken.
    fn decode(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Self>;
    fn write(&self, o: &mut Out, key: &str);
    fn view(&self) -> Value<'_>;
    /// Calls `f` with each value below this one (a table's fields, a list's entries), or
    /// with this one.
    fn visit(
        &self,
        path: &str,
        field: &'static Field,
        _: Want<'_>,
        f: &mut dyn FnMut(&str, &'static Field, Value<'_>),
    ) {
        f(path, field, self.view());
    }
}

/// For `#[serde(skip_serializing_if)]`: nothing to write.
pub fn absent<T: FieldType>(v: &T) -> bool {
    match v.view() {
        Value::Absent | Value::Tables(0) => true,
        Value::Texts(x) => x.is_empty(),
        _ => false,
    }
}

/// Runs a field's [`Opt::Check`]s on a value just read.
fn checked(d: &mut Decoder, t: &Table<'_, '_>, f: &Field, v: Value<'_>) {
    if let Value::Int(n) = v
        && let Some((lo, hi)) = f.off_scale(n)
    {
        let message = format!("`{}` is {n}, but scores run from {lo} to {hi}", f.name);
        let hint = format!("use the scale on the review form: {lo} (lowest) to {hi} (highest)");
        d.invalid(t, f.name, message, hint);
    }
    for o in f.opts {
        if let Opt::Check(check) = o
            && let Some((message, hint)) = check(f.name, &v)
        {
            d.invalid(t, f.name, message, hint);
        }
    }
}

macro_rules! scalar {
    ($ty:ty, $kind:expr, $read:ident, |$s:ident| $view:expr, |$o:ident, $k:ident, $w:ident| $write:expr) => {
        impl FieldType for $ty {
            const KIND: Kind = $kind;
            const REQUIRED: bool = true;
            fn decode(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Self> {
                let v = d.$read(t, f, true)?;
                checked(d, t, f, v.view());
                Some(v)
            }
            fn write(&self, $o: &mut Out, $k: &str) {
                let $w = self;
                $write
            }
            fn view(&self) -> Value<'_> {
                let $s = self;
                $view
            }
        }

        impl FieldType for Option<$ty> {
            const KIND: Kind = $kind;
            const REQUIRED: bool = false;
            fn decode(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Self> {
                let v = d.$read(t, f, false);
                if let Some(v) = &v {
                    checked(d, t, f, v.view());
                }
                Some(v)
            }
            fn write(&self, o: &mut Out, k: &str) {
                if let Some(v) = self {
                    v.write(o, k);
                }
            }
            fn view(&self) -> Value<'_> {
                self.as_ref().map_or(Value::Absent, FieldType::view)
            }
        }
    };
}

scalar!(String, Kind::Text, string, |s| Value::Text(s), |o, k, v| o.text(k, v));
scalar!(NaiveDate, Kind::Date, date, |s| Value::Date(*s), |o, k, v| o.raw(k, v));
scalar!(bool, Kind::Bool, boolean, |s| Value::Bool(*s), |o, k, v| o.raw(k, v));
scalar!(i64, Kind::Int, integer, |s| Value::Int(*s), |o, k, v| o.raw(k, v));

impl FieldType for Vec<String> {
    const KIND: Kind = Kind::Texts;
    const REQUIRED: bool = false;
    fn decode(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Self> {
        d.strings(t, f)
    }
    fn write(&self, o: &mut Out, key: &str) {
        o.list(key, self);
    }
    fn view(&self) -> Value<'_> {
        Value::Texts(self)
    }
}

/// Makes a vocabulary a type a field may hold (used by [`vocabulary!`](super::vocab)).
macro_rules! word_field {
    ($name:ident) => {
        impl $crate::model::field::FieldType for $name {
            const KIND: $crate::model::field::Kind = $crate::model::field::Kind::Word {
                what: <$name as Vocabulary>::WHAT,
                names: <$name as Vocabulary>::NAMES,
            };
            const REQUIRED: bool = true;
            fn decode(
                d: &mut $crate::model::decode::Decoder,
                t: &mut $crate::model::decode::Table<'_, '_>,
                f: &'static $crate::model::field::Field,
            ) -> Option<Self> {
                d.word(t, f.name, true)
            }
            fn write(&self, o: &mut $crate::model::write::Out, key: &str) {
                o.text(key, self.as_str());
            }
            fn view(&self) -> $crate::model::field::Value<'_> {
                $crate::model::field::Value::Word(self.as_str())
            }
        }

        impl $crate::model::field::FieldType for Option<$name> {
            const KIND: $crate::model::field::Kind = <$name as $crate::model::field::FieldType>::KIND;
            const REQUIRED: bool = false;
            fn decode(
                d: &mut $crate::model::decode::Decoder,
                t: &mut $crate::model::decode::Table<'_, '_>,
                f: &'static $crate::model::field::Field,
            ) -> Option<Self> {
                Some(d.word(t, f.name, false))
            }
            fn write(&self, o: &mut $crate::model::write::Out, key: &str) {
                if let Some(v) = self {
                    o.text(key, v.as_str());
                }
            }
            fn view(&self) -> $crate::model::field::Value<'_> {
                self.map_or($crate::model::field::Value::Absent, |v| {
                    $crate::model::field::Value::Word(v.as_str())
                })
            }
        }
    };
}
pub(crate) use word_field;

// A table, an optional table and a list of tables, for every table of the record.

impl<T: Record> FieldType for T {
    const KIND: Kind = Kind::Table(T::SHAPE_REF);
    const REQUIRED: bool = true;
    fn decode(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Self> {
        decode_table(d, t, f)
    }
    fn write(&self, o: &mut Out, key: &str) {
        o.header(&format!("[{key}]"));
        self.write_fields(o);
    }
    fn view(&self) -> Value<'_> {
        Value::Tables(1)
    }
    fn visit(&self, path: &str, _: &'static Field, want: Want<'_>, f: &mut dyn FnMut(&str, &'static Field, Value<'_>)) {
        self.walk(path, want, f);
    }
}

impl<T: Record> FieldType for Option<T> {
    const KIND: Kind = Kind::Table(T::SHAPE_REF);
    const REQUIRED: bool = false;
    fn decode(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Self> {
        decode_optional(d, t, f)
    }
    fn write(&self, o: &mut Out, key: &str) {
        if let Some(v) = self {
            v.write(o, key);
        }
    }
    fn view(&self) -> Value<'_> {
        Value::Tables(usize::from(self.is_some()))
    }
    fn visit(&self, path: &str, _: &'static Field, want: Want<'_>, f: &mut dyn FnMut(&str, &'static Field, Value<'_>)) {
        if let Some(v) = self {
            v.walk(path, want, f);
        }
    }
}

impl<T: Record> FieldType for Vec<T> {
    const KIND: Kind = Kind::Tables(T::SHAPE_REF);
    const REQUIRED: bool = false;
    fn decode(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Self> {
        decode_list(d, t, f)
    }
    fn write(&self, o: &mut Out, key: &str) {
        for v in self {
            o.header(&format!("[[{key}]]"));
            v.write_fields(o);
        }
    }
    fn view(&self) -> Value<'_> {
        Value::Tables(self.len())
    }
    fn visit(&self, path: &str, _: &'static Field, want: Want<'_>, f: &mut dyn FnMut(&str, &'static Field, Value<'_>)) {
        for (i, v) in self.iter().enumerate() {
            v.walk(&super::item(path, i), want, f);
        }
    }
}

/// A required table (`[child]`).
fn decode_table<T: Record>(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<T> {
    let mut inner = d.table(t, f.name, true)?;
    let v = T::decode_fields(d, &mut inner);
    d.finish(inner);
    v
}

/// An optional table (`[closure]`): `Some(None)` when absent, `None` when broken.
fn decode_optional<T: Record>(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Option<T>> {
    if !t.has(f.name) {
        t.known.push(f.name);
        return Some(None);
    }
    let mut inner = d.table(t, f.name, false)?;
    let v = T::decode_fields(d, &mut inner);
    d.finish(inner);
    v.map(Some)
}

/// An array of tables (`[[action]]`); absent means empty.
fn decode_list<T: Record>(d: &mut Decoder, t: &mut Table<'_, '_>, f: &'static Field) -> Option<Vec<T>> {
    let tables = d.tables(t, f.name)?;
    let mut out = Vec::with_capacity(tables.len());
    let mut ok = true;
    for mut inner in tables {
        match T::decode_fields(d, &mut inner) {
            Some(v) => out.push(v),
            None => ok = false,
        }
        d.finish(inner);
    }
    ok.then_some(out)
}

/// The key of a field: its Rust name, or the name given with `as "key"`.
macro_rules! key {
    ($f:ident) => {
        stringify!($f)
    };
    ($f:ident, $k:literal) => {
        $k
    };
}
pub(crate) use key;

/// Describes one table of the record, once. From the description come the struct, its
/// span-keeping decoder ([`Record::decode_fields`]), its writer, its JSON Schema
/// (`schema.rs`), the labels of the case page and the audit trail, and the flags of the
/// editing command that writes it (`cli.rs`'s `Flags`).
///
/// ```text
/// record! {
///     /// What the table is (the schema's description).
///     Closure {
///         /// What the field is (the schema's description, the flag's help).
///         lost_pupils_uploaded: Option<NaiveDate> = "Lost Pupils database upload" [Flag],
///     }
/// }
/// ```
///
/// A field's type says whether it is required (`Option`s and lists are not); `as "key"`
/// gives a key other than the Rust name; the options in brackets are [`Opt`]s.
macro_rules! record {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                $field:ident $(as $key:literal)? : $ty:ty = $label:literal $([$($opt:expr),* $(,)?])?
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
        pub struct $name {
            $(
                $(#[doc = $fdoc])*
                $(#[serde(rename = $key)])?
                #[serde(skip_serializing_if = "crate::model::field::absent")]
                pub $field: $ty,
            )*
        }

        impl $crate::model::field::Record for $name {
            const SHAPE_REF: &'static $crate::model::field::Shape = &Self::SHAPE;
            const SHAPE: $crate::model::field::Shape = $crate::model::field::Shape {
                name: stringify!($name),
                doc: concat!($($doc, "\n",)* ""),
                fields: &[$(
                    $crate::model::field::Field {
                        name: $crate::model::field::key!($field $(, $key)?),
                        label: $label,
                        doc: concat!($($fdoc, "\n",)* ""),
                        kind: <$ty as $crate::model::field::FieldType>::KIND,
                        required: <$ty as $crate::model::field::FieldType>::REQUIRED,
                        opts: &[$($($opt),*)?],
                    },
                )*],
            };

            fn decode_fields(
                d: &mut $crate::model::decode::Decoder,
                t: &mut $crate::model::decode::Table<'_, '_>,
            ) -> Option<Self> {
                let mut fields = <Self as $crate::model::field::Record>::fields().iter();
                $(
                    let $field = <$ty as $crate::model::field::FieldType>::decode(
                        d,
                        t,
                        fields.next().expect("one description per field"),
                    );
                )*
                Some($name { $($field: $field?,)* })
            }

            fn write_fields(&self, o: &mut $crate::model::write::Out) {
                use $crate::model::field::{FieldType, Kind};
                // Values first, then the tables, as a TOML file must.
                for tables in [false, true] {
                    $(
                        if matches!(<$ty as FieldType>::KIND, Kind::Table(_) | Kind::Tables(_)) == tables {
                            self.$field.write(o, $crate::model::field::key!($field $(, $key)?));
                        }
                    )*
                }
            }

            fn walk(
                &self,
                prefix: &str,
                want: $crate::model::field::Want<'_>,
                f: &mut dyn FnMut(&str, &'static $crate::model::field::Field, $crate::model::field::Value<'_>),
            ) {
                use $crate::model::field::{FieldType, Kind};
                let mut fields = <Self as $crate::model::field::Record>::fields().iter();
                $(
                    let field = fields.next().expect("one description per field");
                    // A path is made only for a value asked for, or a table to go into.
                    if matches!(field.kind, Kind::Table(_) | Kind::Tables(_)) || want(field) {
                        let path = if prefix.is_empty() {
                            field.name.to_string()
                        } else {
                            format!("{prefix}.{}", field.name)
                        };
                        self.$field.visit(&path, field, want, f);
                    }
                )*
            }

            fn value(&self, key: &str) -> Option<$crate::model::field::Value<'_>> {
                use $crate::model::field::FieldType;
                $(
                    if key == $crate::model::field::key!($field $(, $key)?) {
                        return Some(self.$field.view());
                    }
                )*
                None
            }
        }

    };
}
pub(crate) use record;
