//! Printing results as the `openstack` command's formatter (cliff) does:
//! `-f table|json|yaml|value|csv` and `-c COLUMN`, for a list of rows (a
//! "Lister") or one record of fields (a "ShowOne").

use std::io::{self, Write};

use serde_json::Value;

use crate::cli::{Format, FormatOptions};
use crate::failure::Failure;

/// Rows under named columns, as `openstack ... list` prints them.
pub struct Listing {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

/// Named fields of one record, as `openstack ... show` prints them.
pub struct Record {
    pub fields: Vec<(String, Value)>,
}

impl Record {
    pub fn new(fields: Vec<(String, Value)>) -> Record {
        Record { fields }
    }
}

/// `-c server_name` picks the column `Server Name`, as cliff normalises them.
fn normalise(column: &str) -> String {
    column.trim().to_lowercase().replace(' ', "_")
}

/// The indexes of the columns to print, in the order of the data.
fn selected(names: &[&str], options: &FormatOptions) -> Result<Vec<usize>, Failure> {
    if options.columns.is_empty() {
        return Ok((0..names.len()).collect());
    }
    let wanted: Vec<String> = options.columns.iter().map(|c| normalise(c)).collect();
    let picked: Vec<usize> = (0..names.len())
        .filter(|&i| wanted.contains(&normalise(names[i])))
        .collect();
    if picked.is_empty() {
        return Err(Failure::usage(format!(
            "No recognized column names in {:?}. Recognized columns are {:?}.",
            options.columns, names
        )));
    }
    Ok(picked)
}

pub fn print_listing(listing: &Listing, options: &FormatOptions) -> Result<(), Failure> {
    let keep = selected(&listing.columns, options)?;
    let columns: Vec<&str> = keep.iter().map(|&i| listing.columns[i]).collect();
    let rows: Vec<Vec<&Value>> = listing
        .rows
        .iter()
        .map(|row| keep.iter().map(|&i| &row[i]).collect())
        .collect();
    let mut out = String::new();
    match options.format {
        Format::Table => {
            if !rows.is_empty() {
                // cliff aligns each column after the type of its first value.
                let right: Vec<bool> = rows[0].iter().map(|v| v.is_number()).collect();
                let cells: Vec<Vec<String>> = rows
                    .iter()
                    .map(|row| row.iter().map(|v| human(v)).collect())
                    .collect();
                table(&mut out, &columns, &cells, &right);
            }
        }
        Format::Json => {
            out.push('[');
            for (n, row) in rows.iter().enumerate() {
                out.push_str(if n == 0 { "\n  " } else { ",\n  " });
                json_object(
                    &mut out,
                    columns.iter().copied().zip(row.iter().copied()),
                    2,
                );
            }
            out.push_str(if rows.is_empty() { "]\n" } else { "\n]\n" });
        }
        Format::Yaml => {
            let list: Vec<serde_norway::Value> = rows
                .iter()
                .map(|row| yaml_mapping(columns.iter().copied().zip(row.iter().copied())))
                .collect();
            out = if list.is_empty() {
                "[]\n".to_owned()
            } else {
                serde_norway::to_string(&list).unwrap_or_default()
            };
        }
        Format::Value => {
            for row in &rows {
                let values: Vec<String> = row.iter().map(|v| machine(v)).collect();
                out.push_str(&values.join(" "));
                out.push('\n');
            }
        }
        Format::Csv => {
            csv_row(
                &mut out,
                columns
                    .iter()
                    .map(|c| Value::from(*c))
                    .collect::<Vec<_>>()
                    .iter(),
            );
            for row in &rows {
                csv_row(&mut out, row.iter().copied());
            }
        }
    }
    emit(&out)
}

pub fn print_record(record: &Record, options: &FormatOptions) -> Result<(), Failure> {
    let names: Vec<&str> = record.fields.iter().map(|(k, _)| k.as_str()).collect();
    let keep = selected(&names, options)?;
    let fields: Vec<(&str, &Value)> = keep
        .iter()
        .map(|&i| (names[i], &record.fields[i].1))
        .collect();
    let mut out = String::new();
    match options.format {
        Format::Table => {
            let cells: Vec<Vec<String>> = fields
                .iter()
                .map(|(k, v)| vec![(*k).to_owned(), human(v)])
                .collect();
            table(&mut out, &["Field", "Value"], &cells, &[false, false]);
        }
        Format::Json => {
            json_object(&mut out, fields.iter().copied(), 0);
            out.push('\n');
        }
        Format::Yaml => {
            out =
                serde_norway::to_string(&yaml_mapping(fields.iter().copied())).unwrap_or_default();
        }
        Format::Value => {
            for (_, v) in &fields {
                out.push_str(&machine(v));
                out.push('\n');
            }
        }
        Format::Csv => {
            csv_row(
                &mut out,
                fields
                    .iter()
                    .map(|(k, _)| Value::from(*k))
                    .collect::<Vec<_>>()
                    .iter(),
            );
            csv_row(&mut out, fields.iter().map(|(_, v)| *v));
        }
    }
    emit(&out)
}

fn emit(text: &str) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // `glancectl list | head` closes the pipe early: not a failure.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Failure::local(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

/// A value as a table or CSV cell shows it: lists joined and sorted, maps as
/// `k='v'` pairs (osc-lib's `ListColumn` and `DictColumn`), Python's spelling
/// of booleans and null.
pub fn human(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            let mut items: Vec<String> = items.iter().map(human).collect();
            items.sort();
            items.join(", ")
        }
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}='{}'", human(v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A value as `-f value` prints it: lists and maps in their JSON form.
fn machine(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) => value.to_string(),
        other => human(other),
    }
}

/// An object with its keys in the given order (cliff keeps the columns'
/// order), indented as Python's `json.dumps(indent=2)`.
fn json_object<'a>(
    out: &mut String,
    fields: impl Iterator<Item = (&'a str, &'a Value)>,
    indent: usize,
) {
    let pad = " ".repeat(indent);
    let mut empty = true;
    out.push('{');
    for (key, value) in fields {
        out.push_str(if empty { "\n" } else { ",\n" });
        empty = false;
        let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
        let nested = pretty.replace('\n', &format!("\n{pad}  "));
        out.push_str(&format!("{pad}  {}: {nested}", Value::from(key)));
    }
    if empty {
        out.push('}');
    } else {
        out.push_str(&format!("\n{pad}}}"));
    }
}

fn yaml_mapping<'a>(fields: impl Iterator<Item = (&'a str, &'a Value)>) -> serde_norway::Value {
    let mut map = serde_norway::Mapping::new();
    for (key, value) in fields {
        let value = serde_norway::to_value(value).unwrap_or(serde_norway::Value::Null);
        map.insert(serde_norway::Value::from(key), value);
    }
    serde_norway::Value::Mapping(map)
}

/// One line of CSV as Python's `csv.QUOTE_NONNUMERIC` writes it.
fn csv_row<'a>(out: &mut String, values: impl Iterator<Item = &'a Value>) {
    let cells: Vec<String> = values
        .map(|v| match v {
            Value::Number(_) | Value::Bool(_) => human(v),
            Value::Null => String::new(),
            other => format!("\"{}\"", human(other).replace('"', "\"\"")),
        })
        .collect();
    out.push_str(&cells.join(","));
    out.push('\n');
}

/// A table as prettytable draws it for cliff.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>], right: &[bool]) {
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.lines().map(width).max().unwrap_or(0));
        }
    }
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+\n";
    let line = |out: &mut String, cells: &[&str]| {
        for ((cell, w), r) in cells.iter().zip(&widths).zip(right) {
            let pad = " ".repeat(w - width(cell));
            if *r {
                out.push_str(&format!("| {pad}{cell} "));
            } else {
                out.push_str(&format!("| {cell}{pad} "));
            }
        }
        out.push_str("|\n");
    };
    out.push_str(&rule);
    line(out, header);
    out.push_str(&rule);
    for row in rows {
        // A multi-line cell (a property holding newlines) takes several lines.
        let height = row
            .iter()
            .map(|c| c.lines().count().max(1))
            .max()
            .unwrap_or(1);
        for n in 0..height {
            let cells: Vec<&str> = row.iter().map(|c| c.lines().nth(n).unwrap_or("")).collect();
            line(out, &cells);
        }
    }
    out.push_str(&rule);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_read_as_osc_prints_them() {
        assert_eq!(human(&json!(["b", "a"])), "a, b");
        assert_eq!(
            human(&json!({"os_hidden": false, "k": "v"})),
            "k='v', os_hidden='False'"
        );
        assert_eq!(human(&json!(null)), "None");
        assert_eq!(machine(&json!(["a"])), "[\"a\"]");
    }

    #[test]
    fn json_keeps_the_column_order_and_python_indent() {
        let mut out = String::new();
        let id = json!("x");
        let tags = json!(["t"]);
        json_object(&mut out, [("ID", &id), ("Tags", &tags)].into_iter(), 2);
        assert_eq!(
            out,
            "{\n    \"ID\": \"x\",\n    \"Tags\": [\n      \"t\"\n    ]\n  }"
        );
    }

    #[test]
    fn tables_align_numbers_right() {
        let mut out = String::new();
        table(
            &mut out,
            &["Name", "Size"],
            &[vec!["a".into(), "10".into()]],
            &[false, true],
        );
        assert_eq!(
            out,
            "+------+------+\n| Name | Size |\n+------+------+\n| a    |   10 |\n+------+------+\n"
        );
    }

    #[test]
    fn csv_quotes_text_not_numbers() {
        let mut out = String::new();
        csv_row(&mut out, [json!("a\"b"), json!(3), json!(true)].iter());
        assert_eq!(out, "\"a\"\"b\",3,True\n");
    }
}
