//! Bad input through the C ABI, for every function `include/glance.h`
//! declares: NULL in each pointer, strings that are not UTF-8, empty and
//! 1 MiB strings, integers at their maximum, NULL callbacks, and calls in the
//! wrong order. Each call must give a status (or the NULL / 0 a getter
//! documents), never a crash, never `GLANCE_PANIC`.
//!
//! The cases are generated from the header (so a new function is covered the
//! day it appears) into a C program built with `tests/c_bad_input/fixtures.c`,
//! which makes valid handles against the test double. It runs plain and under
//! AddressSanitizer + UndefinedBehaviorSanitizer; `scripts/test` runs both
//! (`cargo test --test c_bad_input -- --ignored`).

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use md5::{Digest, Md5};
use serde_json::json;
use sha2::Sha512;
use support::c_abi::{deps_dir, header_functions, manifest_dir};
use support::double::{Conn, Double, Recorded};

/// One parameter's C type, as far as the cases care.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// `const char *`
    Str,
    /// `char *` handed back to the library (`glance_string_free`).
    OwnedStr,
    /// `const char *const *`, followed by its `size_t` count.
    StrArray,
    /// `const uint8_t *`, followed by its `size_t` length.
    Bytes,
    /// `[const] struct glance_<name> *`
    Handle { name: String, constant: bool },
    /// `struct glance_<name> **`, `char **`, `bool *`, `uint64_t *`...: written on success.
    Out(String),
    /// `void *userdata`
    Userdata,
    /// A callback typedef.
    Callback(String),
    /// An integer or `bool`.
    Int(String),
}

#[derive(Debug)]
struct Param {
    kind: Kind,
    name: String,
}

#[derive(Debug)]
struct Function {
    ret: String,
    name: String,
    params: Vec<Param>,
    /// The doc comment above it, to find pointers documented as optional.
    doc: String,
}

fn kind_of(ty: &str) -> Kind {
    let ty = ty.split_whitespace().collect::<Vec<_>>().join(" ");
    match ty.as_str() {
        "const char *" => Kind::Str,
        "char *" => Kind::OwnedStr,
        "const char *const *" => Kind::StrArray,
        "const uint8_t *" => Kind::Bytes,
        "void *" => Kind::Userdata,
        t if t.ends_with("_cb") => Kind::Callback(t.to_owned()),
        t if t.ends_with("**") || (t.ends_with('*') && !t.contains("glance_")) => {
            // The pointee: one `*` less.
            Kind::Out(t[..t.len() - 1].trim().to_owned())
        }
        t if t.contains("struct glance_") && t.ends_with('*') => Kind::Handle {
            name: t
                .trim_start_matches("const ")
                .trim_start_matches("struct glance_")
                .trim_end_matches('*')
                .trim()
                .to_owned(),
            constant: t.starts_with("const "),
        },
        t => Kind::Int(t.to_owned()),
    }
}

/// The prototypes of the header, with their doc comments.
fn parse_header() -> Vec<Function> {
    let header = std::fs::read_to_string(manifest_dir().join("include/glance.h")).unwrap();
    let mut functions = Vec::new();
    let mut doc = String::new();
    let mut in_comment = false;
    let mut pending = String::new();
    for line in header.lines() {
        let trimmed = line.trim();
        if in_comment {
            doc.push_str(trimmed);
            doc.push(' ');
            in_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.starts_with("/*") {
            doc = trimmed.to_owned();
            in_comment = !trimmed.contains("*/");
            continue;
        }
        if pending.is_empty()
            && (trimmed.starts_with('#')
                || trimmed.starts_with("typedef")
                || !trimmed.contains("glance_"))
        {
            continue;
        }
        pending.push_str(trimmed);
        pending.push(' ');
        if !trimmed.ends_with(';') {
            continue;
        }
        let text = std::mem::take(&mut pending);
        let Some(open) = text.find('(') else { continue };
        let head = &text[..open];
        let Some(split) = head.rfind([' ', '*']) else {
            continue;
        };
        let name = head[split + 1..].trim().to_owned();
        if !name.starts_with("glance_") {
            continue;
        }
        let ret = head[..=split].trim().to_owned();
        let close = text.rfind(')').unwrap();
        let params = text[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty() && *p != "void")
            .map(|p| {
                let at = p.rfind([' ', '*']).unwrap();
                Param {
                    kind: kind_of(&p[..=at]),
                    name: p[at + 1..].to_owned(),
                }
            })
            .collect();
        functions.push(Function {
            ret,
            name,
            params,
            doc: std::mem::take(&mut doc),
        });
    }
    // "Otherwise as `glance_image_upload_file`": what a function it names
    // says may hold here too (only ever used to accept more).
    // Twice, for chains (stage_buffer -> stage_file -> upload_file).
    for _ in 0..2 {
        let docs: Vec<(String, String)> = functions
            .iter()
            .map(|f| (f.name.clone(), f.doc.clone()))
            .collect();
        for f in &mut functions {
            for (name, doc) in &docs {
                if *name != f.name && f.doc.contains(name.as_str()) && !f.doc.contains(doc) {
                    f.doc.push(' ');
                    f.doc.push_str(doc);
                }
            }
        }
    }
    functions
}

impl Function {
    /// A fallible call (the error getters return a stored status instead).
    fn returns_status(&self) -> bool {
        self.ret == "glance_status" && !self.name.starts_with("glance_error_")
    }

    /// A pointer the doc says may be NULL: a sentence naming it says "may be
    /// NULL", "(NULL: ...)", "is not NULL"...; or "; NULL: the default" in a
    /// function with a single string.
    fn optional(&self, param: &str) -> bool {
        let names = [format!("`{param}`"), format!("`*{param}`")];
        let says_optional = |sentence: &str| {
            [
                "may be NULL",
                "can be NULL",
                "(NULL",
                "NULL:",
                "is not NULL",
            ]
            .iter()
            .any(|phrase| sentence.contains(phrase))
        };
        self.doc.split(". ").any(|sentence| {
            names.iter().any(|n| sentence.contains(n.as_str())) && says_optional(sentence)
        }) || (self.doc.contains("NULL: ")
            && self.params.iter().filter(|p| p.kind == Kind::Str).count() == 1
            && self
                .params
                .iter()
                .any(|p| p.name == param && p.kind == Kind::Str))
    }

    /// Whether a valid value exists for every parameter (a wire event only
    /// exists inside the wire-log callback).
    fn has_valid_arguments(&self) -> bool {
        !self
            .params
            .iter()
            .any(|p| matches!(&p.kind, Kind::Handle { name, .. } if name == "wire_event"))
    }
}

/// A valid argument for `param` (declaring what it needs in `locals`).
fn valid(param: &Param, index: usize, locals: &mut String) -> String {
    match &param.kind {
        Kind::Str if param.name.contains("json") => "\"{}\"".into(),
        // Values checked against a closed set, so that a later argument's
        // check is the one a case reaches.
        Kind::Str if param.name == "op" => "\"gte\"".into(),
        Kind::Str if param.name == "dir" => "\"asc\"".into(),
        Kind::Str if param.name == "interface" => "\"public\"".into(),
        Kind::Str if param.name == "method" => "\"glance-direct\"".into(),
        Kind::Str => "\"x\"".into(),
        Kind::OwnedStr => "NULL".into(),
        Kind::Bytes => "(const uint8_t *)\"abc\"".into(),
        Kind::StrArray => {
            let _ = writeln!(locals, "        const char *arr{index}[] = {{\"x\"}};");
            format!("arr{index}")
        }
        Kind::Handle {
            name,
            constant: true,
        } => format!("fx_{name}()"),
        Kind::Handle {
            name,
            constant: false,
        } => format!("fx_new_{name}()"),
        Kind::Out(ty) => {
            let _ = writeln!(
                locals,
                "        {ty} out{index}; memset(&out{index}, 0, sizeof out{index});"
            );
            format!("&out{index}")
        }
        Kind::Userdata => "NULL".into(),
        // `glance_read_cb` -> `fx_read_cb`, ... (tests/c_bad_input/fixtures.c).
        Kind::Callback(ty) => format!("fx_{}", ty.trim_start_matches("glance_")),
        Kind::Int(ty) if ty == "bool" => "false".into(),
        Kind::Int(ty) if ty == "size_t" => "1".into(),
        Kind::Int(_) => "1".into(),
    }
}

/// The largest value of an integer type.
fn maximum(ty: &str) -> Option<&'static str> {
    match ty {
        "uint16_t" => Some("UINT16_MAX"),
        "uint32_t" => Some("UINT32_MAX"),
        "uint64_t" => Some("UINT64_MAX"),
        "size_t" => Some("SIZE_MAX"),
        "int" | "int32_t" => Some("INT32_MIN"),
        _ => None,
    }
}

/// The cases of one function: (label, argument to replace, replacement, rule).
fn cases(f: &Function) -> Vec<(String, usize, String, &'static str)> {
    let mut out = Vec::new();
    for (i, p) in f.params.iter().enumerate() {
        // A pointer the doc may call optional: any status (the call may fail
        // for other reasons, and the guess from the doc may be wrong), but
        // still no crash and no GLANCE_PANIC.
        let null_rule = if f.optional(&p.name) {
            "FX_ANY"
        } else {
            "FX_NULL_ARG"
        };
        match &p.kind {
            Kind::Str => {
                out.push((format!("{} NULL", p.name), i, "NULL".into(), null_rule));
                out.push((
                    format!("{} not UTF-8", p.name),
                    i,
                    "fx_not_utf8".into(),
                    "FX_INVALID_UTF8",
                ));
                out.push((format!("{} empty", p.name), i, "\"\"".into(), "FX_ANY"));
                out.push((format!("{} 1 MiB", p.name), i, "fx_huge()".into(), "FX_ANY"));
            }
            Kind::OwnedStr | Kind::Bytes | Kind::Handle { .. } | Kind::Out(_) => {
                out.push((format!("{} NULL", p.name), i, "NULL".into(), null_rule));
            }
            Kind::StrArray => {
                out.push((format!("{} NULL", p.name), i, "NULL".into(), "FX_NULL_ARG"));
                out.push((
                    format!("{} holding NULL", p.name),
                    i,
                    "(const char *const[]){NULL}".into(),
                    "FX_NULL_ARG",
                ));
                out.push((
                    format!("{} holding a string that is not UTF-8", p.name),
                    i,
                    "(const char *const[]){fx_not_utf8}".into(),
                    "FX_INVALID_UTF8",
                ));
            }
            Kind::Callback(_) => {
                out.push((format!("{} NULL", p.name), i, "NULL".into(), "FX_ANY"));
            }
            Kind::Int(ty) => {
                if let Some(max) = maximum(ty) {
                    out.push((format!("{} = {max}", p.name), i, max.into(), "FX_ANY"));
                }
            }
            Kind::Userdata => {}
        }
    }
    out
}

/// The C source of every case.
fn generate(functions: &[Function]) -> (String, usize) {
    let mut c = String::from(
        "/* Generated by tests/c_bad_input.rs from include/glance.h: do not edit. */\n\
         #include <stdint.h>\n#include <string.h>\n#include \"fixtures.h\"\n\n\
         void fx_generated_cases(void) {\n",
    );
    let mut count = 0;
    for f in functions {
        let mut all = cases(f);
        if f.params.is_empty() || f.has_valid_arguments() {
            // Valid arguments too: the fixtures are right, and constructors run.
            all.push((
                "valid arguments".into(),
                usize::MAX,
                String::new(),
                "FX_ANY",
            ));
        }
        for (label, replaced, replacement, rule) in all {
            if !f.has_valid_arguments()
                && f.params.iter().enumerate().any(|(i, p)| {
                    i != replaced
                        && matches!(&p.kind, Kind::Handle { name, .. } if name == "wire_event")
                })
            {
                continue;
            }
            let mut locals = String::new();
            let args: Vec<String> = f
                .params
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    if i == replaced {
                        replacement.clone()
                    } else if i > 0
                        && f.params[i - 1].kind == Kind::StrArray
                        && matches!(&p.kind, Kind::Int(t) if t == "size_t")
                    {
                        "1".into()
                    } else if i > 0 && f.params[i - 1].kind == Kind::Bytes {
                        "3".into()
                    } else {
                        valid(p, i, &mut locals)
                    }
                })
                .collect();
            let call = format!("{}({})", f.name, args.join(", "));
            let check = if f.name == "glance_error_status" && rule == "FX_NULL_ARG" {
                format!("fx_is_null_arg({call});")
            } else if f.returns_status() {
                format!("fx_status({call}, {rule});")
            } else if label == "valid arguments" || rule != "FX_NULL_ARG" {
                format!("(void){call};")
            } else if f.ret.ends_with('*') {
                format!("fx_null({call});")
            } else if f.ret == "void" {
                format!("{call};")
            } else {
                format!("fx_zero((uint64_t){call});")
            };
            let _ = write!(
                c,
                "    {{\n{locals}        fx_case(\"{}: {}\");\n        {check}\n    }}\n",
                f.name,
                label.replace('"', "\\\"")
            );
            count += 1;
        }
    }
    c.push_str("}\n");
    (c, count)
}

/// What the double answers: an image service and an object store that say
/// yes to everything, so every valid call gets past the network.
fn double() -> Double {
    let data = b"abc".to_vec();
    let md5 = hex(&Md5::digest(&data));
    let sha512 = hex(&Sha512::digest(&data));
    Double::start(move |r: &Recorded, c: &mut Conn| {
        let image = |id: &str| {
            json!({"id": id, "name": id, "status": "active", "visibility": "private",
                   "size": 3, "checksum": md5, "os_hash_algo": "sha512", "os_hash_value": sha512,
                   "disk_format": "raw", "container_format": "bare", "tags": ["t"],
                   "stores": "fs", "owner": "project-1", "min_disk": 0, "min_ram": 0,
                   "protected": false, "os_hidden": false, "custom": "v"})
        };
        let member = json!({"member_id": "project-2", "image_id": "img-1", "status": "pending",
                            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"});
        let task = json!({"id": "task-1", "type": "import", "status": "success",
                          "input": {}, "result": {"image_id": "img-1"}, "owner": "project-1",
                          "message": "", "created_at": "2026-01-01T00:00:00Z",
                          "updated_at": "2026-01-01T00:00:00Z"});
        let path = r.path();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (r.method.as_str(), segments.as_slice()) {
            (_, ["v1", ..]) => swift(r, c, &segments, &data, &md5),
            ("GET", ["v2", "images"]) => c.json(200, &json!({"images": [image("img-1")]})),
            ("GET", ["v2", "images", "missing"]) => {
                c.json(404, &json!({"message": "No image found with ID missing"}))
            }
            ("GET", ["v2", "images", _, "file"]) => c.respond(
                200,
                &[("Content-Type", "application/octet-stream"), ("Content-MD5", &md5)],
                &data,
            ),
            ("GET", ["v2", "images", id]) => c.json(200, &image(id)),
            ("POST", ["v2", "images"]) => c.json(201, &image("img-new")),
            ("PATCH", ["v2", "images", id]) => c.json(200, &image(id)),
            ("GET", ["v2", "images", _, "members"]) => {
                c.json(200, &json!({"members": [member]}))
            }
            (_, ["v2", "images", _, "members", ..]) => match r.method.as_str() {
                "DELETE" => c.respond(204, &[], b""),
                _ => c.json(200, &member),
            },
            ("GET", ["v2", "tasks"]) => c.json(200, &json!({"tasks": [task]})),
            ("GET", ["v2", "tasks", _]) => c.json(200, &task),
            ("POST", ["v2", "tasks"]) => c.json(201, &task),
            ("GET", ["v2", "schemas", name]) => {
                c.json(200, &json!({"name": name, "properties": {}}))
            }
            ("GET", ["v2", "info", "import"]) => c.json(
                200,
                &json!({"import-methods": {"value": ["glance-direct", "web-download", "copy-image"]}}),
            ),
            ("GET", ["v2", "info", "stores"]) => {
                c.json(200, &json!({"stores": [{"id": "fs", "default": true}]}))
            }
            ("POST", ["v2", "images", _, "import"]) => c.respond(202, &[], b""),
            ("PUT" | "DELETE" | "POST", ["v2", "images", ..]) => c.respond(204, &[], b""),
            _ => c.json(404, &json!({"message": format!("no {} {}", r.method, r.target)})),
        }
    })
}

fn swift(r: &Recorded, c: &mut Conn, segments: &[&str], data: &[u8], md5: &str) {
    let object_headers = [
        ("Content-Type", "application/octet-stream"),
        ("Etag", md5),
        ("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT"),
        ("X-Timestamp", "1767225600.00000"),
    ];
    match (r.method.as_str(), segments.len()) {
        ("GET", 3) if r.target.contains("marker=") => c.json(200, &json!([])),
        ("GET", 3) => c.json(
            200,
            &json!([{"name": "obj", "bytes": 3, "hash": md5,
                     "last_modified": "2026-01-01T00:00:00.000000",
                     "content_type": "application/octet-stream"}]),
        ),
        ("HEAD", 3) | ("PUT" | "POST" | "DELETE", 2..=3) => c.respond(
            204,
            &[
                ("X-Container-Object-Count", "1"),
                ("X-Container-Bytes-Used", "3"),
            ],
            b"",
        ),
        ("HEAD", _) => {
            // A HEAD answer has headers only, Content-Length included.
            let mut head = String::from("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n");
            for (k, v) in object_headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            c.raw(head.as_bytes());
        }
        ("GET", _) => c.respond(200, &object_headers, data),
        ("PUT", _) if r.target.contains("multipart-manifest=put") => {
            // A static large object's ETag: the MD5 of its segments' ETags.
            let segments: Vec<serde_json::Value> =
                serde_json::from_slice(&r.body).unwrap_or_default();
            let etags: String = segments.iter().filter_map(|s| s["etag"].as_str()).collect();
            c.respond(201, &[("Etag", &hex(&Md5::digest(etags.as_bytes())))], b"");
        }
        ("PUT", _) => {
            let etag = hex(&Md5::digest(&r.body));
            c.respond(201, &[("Etag", &etag)], b"");
        }
        _ => c.respond(204, &[], b""),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the generated cases and builds the program for a variant.
fn build(variant: &str, functions: &[Function]) -> PathBuf {
    let out = deps_dir()
        .parent()
        .unwrap()
        .join("c-bad-input")
        .join(variant);
    std::fs::create_dir_all(&out).unwrap();
    let (source, _) = generate(functions);
    let cases = out.join("cases.c");
    std::fs::write(&cases, source).unwrap();
    let fixtures = manifest_dir().join("tests/c_bad_input");
    let binary = out.join("bad_input");
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args([
        "-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1", "-pthread",
    ])
    .arg(format!("-I{}", manifest_dir().join("include").display()))
    .arg(format!("-I{}", fixtures.display()));
    if variant == "asan" {
        cc.args([
            "-fsanitize=address,undefined",
            "-fno-omit-frame-pointer",
            "-fno-sanitize-recover=all",
        ]);
    }
    let status = cc
        .arg("-o")
        .arg(&binary)
        .arg(fixtures.join("fixtures.c"))
        .arg(&cases)
        .arg(deps_dir().join("libglance_client.a"))
        .args([
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-ldl",
            "-lc",
        ])
        .status()
        .expect("a C compiler runs (scripts/install-c-tools)");
    assert!(
        status.success(),
        "building the bad-input program ({variant}) failed"
    );
    binary
}

fn run(binary: &Path) {
    let double = double();
    // Calls that write files ("x") do so in a scratch directory.
    let scratch = std::env::temp_dir().join(support::cloud::unique("bad-input"));
    std::fs::create_dir_all(&scratch).unwrap();
    let output = Command::new(binary)
        .current_dir(&scratch)
        .arg(double.url())
        // Fixture handles live until the end on purpose; leaks are the C
        // suite's business (under valgrind), crashes are this test's.
        .env("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0")
        .env("UBSAN_OPTIONS", "print_stacktrace=1")
        .output()
        .expect("the bad-input program starts");
    std::fs::remove_dir_all(&scratch).unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAILED")).collect();
    let last_case = stdout.lines().rev().find(|l| l.starts_with("case "));
    assert!(
        output.status.success(),
        "{} ({} failures):\n{}\nlast case: {last_case:?}\nstderr:\n{}",
        output.status,
        failures.len(),
        failures.join("\n"),
        stderr.chars().take(6000).collect::<String>()
    );
    let summary = stdout.lines().last().unwrap_or("");
    println!("{summary}");
}

#[test]
fn every_header_function_has_cases() {
    let functions = parse_header();
    let mut parsed: Vec<String> = functions.iter().map(|f| f.name.clone()).collect();
    parsed.sort();
    assert_eq!(
        parsed,
        header_functions(),
        "every declared function is parsed"
    );
    let (_, cases) = generate(&functions);
    assert!(
        cases > 3 * functions.len(),
        "{cases} cases for {} functions",
        functions.len()
    );
}

#[test]
#[ignore = "builds a C program: scripts/test runs it"]
fn bad_input_plain() {
    let functions = parse_header();
    run(&build("plain", &functions));
}

#[test]
#[ignore = "builds a C program: scripts/test runs it"]
fn bad_input_asan_ubsan() {
    let functions = parse_header();
    run(&build("asan", &functions));
}
