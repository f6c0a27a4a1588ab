//! # Guide: parse → inspect → validate → build → serialize → read the response
//!
//! A walk through the crate with the shipped samples (`spec-samples/`). Every example on
//! this page is a doctest. The reference is the crate's `spec/SPEC.md` (cited as SPEC n.n),
//! with `spec/records.csv` and `spec/codes/`.
//!
//! ## 1. Parse
//!
//! [`Transmission::parse`](crate::Transmission::parse) is strict: it fails when any problem
//! is an error, and its [`ParseError`](crate::ParseError) lists every error. The records borrow from the input; nothing is
//! copied, dropped or reordered, and the transmission serializes back byte for byte.
//!
//! ```
//! use ace_pga::{ParseOptions, Transmission};
//!
//! let input = std::fs::read("spec-samples/valid/or2-single.txt")?;
//! let tx = Transmission::parse(&input)?;
//! assert_eq!(tx.records().count(), 16);
//! assert_eq!(tx.to_bytes(), input);
//!
//! // Lenient parsing tolerates named deviations and reports each as a warning (SPEC 1.4).
//! let trimmed = std::fs::read("spec-samples/invalid/short-line-lenient.txt")?;
//! let tx = Transmission::parse_with(&trimmed, &ParseOptions::lenient())?.into_result()?;
//! assert!(tx.problems().iter().any(|p| p.kind.rule() == "F-001"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 2. Inspect
//!
//! The tree ([`crate::tree`]) is batches → blocks → transactions → items. An HTS anchor
//! (`SE60`, `50`) owns the OI group that follows it; an OI group holds PGA lines; a PGA line
//! holds its child records, entity loops and `PG50`/`PG51` groups (SPEC 3–4). Records with a
//! layout have a typed body ([`crate::records`]); host records stay raw.
//!
//! ```
//! use ace_pga::profile::ams_or::{CertificateNumber, OrganicLine};
//! use ace_pga::records::Body;
//! use ace_pga::tree::Item;
//! use ace_pga::Transmission;
//!
//! let input = std::fs::read("spec-samples/valid/or2-multi.txt")?;
//! let tx = Transmission::parse(&input)?;
//!
//! // Walk the transaction: host records, anchors with their OI groups.
//! let t = tx.tree().transactions().next().expect("one transaction");
//! let anchors: Vec<u32> = t
//!     .items
//!     .iter()
//!     .filter_map(|i| match i {
//!         Item::Anchor(a) => Some(a.anchor.record.line()),
//!         _ => None,
//!     })
//!     .collect();
//! assert_eq!(anchors, [7, 22, 23, 27]);
//!
//! // Typed records: the PG01 of each PGA line.
//! for line in tx.tree().pga_lines() {
//!     if let Some(Body::Pg01(pg01)) = line.pg01.record.body() {
//!         assert_eq!(pg01.agency_code, Some("AMS"));
//!     }
//! }
//!
//! // The organic view (SPEC 5): message type, certificates, quantity, lots …
//! let lines: Vec<OrganicLine> =
//!     tx.tree().pga_lines().into_iter().filter_map(OrganicLine::from_line).collect();
//! assert_eq!(lines.len(), 3);
//! assert_eq!(lines[0].certificates.len(), 2);
//! assert!(matches!(
//!     lines[0].certificates[1].number,
//!     CertificateNumber::NopImportCertificate { segments: ["417", "2093856104", "561004"], .. }
//! ));
//! assert_eq!(lines[2].disclaimer, Some("A"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 3. Validate
//!
//! Parsing is not validating. [`crate::validate`] runs the rules of SPEC 6 (families F, S, E,
//! the host-record rules H and the AMS organic rules OR) and returns every finding with rule
//! id, line, byte columns and a message. Dated rules use the as-of date you pass. The rules
//! walk the flat tree ([`crate::FlatTree`]: records in one vector, groups as index ranges):
//! [`validate_flat`](crate::validate::validate_flat) validates a tree parsed with
//! `FlatTree::parse_with`, and [`validate`](crate::validate::validate) a
//! [`Transmission`](crate::Transmission) through the flat tree it holds; the reports are the same.
//!
//! ```
//! use ace_pga::validate::{check_bytes, ValidateOptions};
//! use ace_pga::{NaiveDate, ParseOptions};
//!
//! let input = std::fs::read("spec-samples/invalid/or2-nop-id-10-digit.txt")?;
//! let as_of = NaiveDate::from_ymd_opt(2026, 3, 16).expect("a date");
//! let report = check_bytes(&input, &ParseOptions::strict(), &ValidateOptions::new(as_of));
//! let errors: Vec<_> = report.errors().collect();
//! assert_eq!(errors.len(), 1);
//! assert_eq!(errors[0].rule, "OR-002");
//! let at = &errors[0].location;
//! assert_eq!((at.line, at.columns), (Some(10), Some((9, 41))));
//! assert_eq!(at.record.as_deref(), Some("PG14"));
//! // One Display for every diagnostic: severity, rule, line, record, columns, offset.
//! assert!(errors[0].to_string().starts_with("error[OR-002] line 10, record PG14, columns 9-41"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Findings come by line, whole-input findings first, and within a line root cause first
//! ([`Finding::report_order`](crate::validate::Finding::report_order)). A report keeps at
//! most [`max_findings`](crate::validate::ValidateOptions::max_findings) findings (the first
//! ones in that order); its counts ([`error_count`](crate::validate::Report::error_count),
//! [`warning_count`](crate::validate::Report::warning_count),
//! [`by_rule`](crate::validate::Report::by_rule)) cover every finding. Input that is not a
//! CATAIR transmission at all (JSON, binary data, UTF-16 text, no record identifier in its
//! first 100 lines) is one finding, F-023, and nothing else.
//!
//! ## 4. Build
//!
//! [`crate::compose`] assembles a whole transmission: the envelope, host records (raw, as
//! below, or from typed values with `CargoReleaseBuilder`, further down), HTS anchors, OI groups, AMS OR lines from typed values
//! ([`OrganicLineBuilder`](crate::profile::ams_or::OrganicLineBuilder)) and lines of any
//! other agency from typed records ([`PgaLineBuilder`](crate::compose::PgaLineBuilder)).
//! Values that do not fit are refused, never truncated ([`BuildError`](crate::BuildError)).
//! Building does not validate: `built.validate(&opts)` is the explicit next step, and returns
//! the same [`Report`](crate::validate::Report) as checking the bytes.
//!
//! ```
//! use ace_pga::compose::{AnchorBuilder, Envelope, OiGroupBuilder, PgaLineBuilder, TransactionBuilder, TransmissionBuilder};
//! use ace_pga::profile::ams_or::{CertificateSpec, OrganicLineBuilder};
//! use ace_pga::validate::ValidateOptions;
//! use ace_pga::{Decimal, NaiveDate};
//!
//! let date = NaiveDate::from_ymd_opt(2026, 3, 16).expect("a date");
//! let organic = OrganicLineBuilder::or2(1)
//!     .certificate(CertificateSpec::new("305-3380517246-009214"))
//!     .lot("3", "ID-RUS-2603-114")
//!     .net_quantity_kg("18143.69".parse::<Decimal>()?);
//! let envelope = Envelope::new("2704", "Q7K", date).password("PW4821").office("01");
//! let built = TransmissionBuilder::cargo_release(envelope)
//!     .transaction(
//!         TransactionBuilder::new()
//!             .host("SE10AQ7K  31547750 01EI 86-44172030011800000021502704  2704")
//!             .host("SE13DANA WHITFIELD                          5105550142")
//!             .host("SE15RONEY7720419935                                        00000480     N")
//!             .host("SE40001US ORGANIC RUSSET POTATOES")
//!             .anchor(AnchorBuilder::new("SE6007019050350000021500").oi_group(
//!                 OiGroupBuilder::new("ORGANIC RUSSET POTATOES, FRESH, 50 LB SACKS")
//!                     .organic(organic)
//!                     .line(PgaLineBuilder::disclaimed(1, "FDA", "FOO", "C")),
//!             )),
//!     )
//!     .build()?;
//! let report = built.validate(&ValidateOptions::new(built.transmission_date()));
//! assert!(!report.has_errors(), "{report:?}");
//! assert_eq!(built.records().len(), 16);
//!
//! // A value that does not fit is refused with the record and field named.
//! let bad = OrganicLineBuilder::or2(1).net_quantity_kg("1.005".parse::<Decimal>()?);
//! let err = TransmissionBuilder::cargo_release(Envelope::new("2704", "Q7K", date))
//!     .transaction(TransactionBuilder::new().anchor(
//!         AnchorBuilder::new("SE60").oi_group(OiGroupBuilder::new("X").organic(bad)),
//!     ))
//!     .build()
//!     .unwrap_err();
//! assert_eq!(err.field(), Some("quantity_line_net"));
//! // A, B, SE60, OI, PG01, PG02, then the PG29: the 7th record.
//! let at = err.record().expect("a record");
//! assert_eq!((at.index, at.record.as_deref()), (Some(7), Some("PG29")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The host records of a Cargo Release can be built from typed values too:
//! [`CargoReleaseBuilder`](crate::compose::cargo_release::CargoReleaseBuilder) takes the
//! `SE10` entry (the check digit is computed) and the `SE13` contact, numbers the CBP lines
//! `001`, `002` … and writes each tariff number (`SE60`, HTS and value) before its OI group;
//! it refuses an impossible transaction (no tariff number on a line, 33 on one, lines in a
//! cancel …). Raw host records stay possible through explicit escapes and are validated like
//! any input (H-001 … H-010, SPEC 6.3a). `examples/cargo_release.rs` files two CBP lines with
//! an OR2 line each. Reading a filing back, [`Tree::cargo_releases`](crate::Tree::cargo_releases)
//! gives the entry and, for each organic line, its CBP line, tariff position and HTS number:
//!
//! ```
//! let data = std::fs::read("spec-samples/valid/or2-multi.txt")?;
//! let t = ace_pga::Transmission::parse(&data)?;
//! for cr in t.tree().cargo_releases() {
//!     let (filer, number) = cr.entry().expect("an SE10 entry");
//!     assert_eq!(cr.entry_check_digit_ok(), Some(true));
//!     for (line, tariff) in cr.tariffs() {
//!         if let Some(group) = tariff.oi_group() {
//!             println!(
//!                 "{filer}-{number} CBP line {:?} tariff {} HTS {:?}: {} PGA line(s)",
//!                 line.number(),
//!                 tariff.position,
//!                 tariff.hts_number(),
//!                 group.lines.len()
//!             );
//!         }
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 5. Serialize
//!
//! The terminator is always an explicit choice (SPEC 2.2): LF, CRLF, CR, or none
//! (concatenated 80-byte records). A parsed transmission keeps its own convention.
//!
//! ```
//! use ace_pga::Terminator;
//! # use ace_pga::compose::*; use ace_pga::NaiveDate;
//! # let date = NaiveDate::from_ymd_opt(2026, 3, 16).expect("a date");
//! # let built = TransmissionBuilder::cargo_release(Envelope::new("2704", "Q7K", date)).build()?;
//! let lf = built.to_bytes(Terminator::Lf);
//! let crlf = built.to_bytes(Terminator::CrLf);
//! let flat = built.to_bytes(Terminator::None);
//! assert_eq!(flat.len(), built.records().len() * 80);
//! assert_eq!(crlf.len(), lf.len() + built.records().len());
//! let mut file = Vec::new();
//! built.write_to(Terminator::CrLf, &mut file)?;
//! assert_eq!(file, crlf);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 6. Read the response
//!
//! CBP answers a Cargo Release with an `SX` response (the transaction echoed, `SE90`
//! conditions after records in error, a final `SE90` disposition) and later with `SO`
//! status notifications (`SO70`–`SO72` agency dispositions). [`crate::response`] maps both
//! back to the submitted PGA lines by (entry, CBP line, tariff position, agency, PGA line)
//! and derives each line's status: the latest agency disposition wins.
//!
//! ```
//! use ace_pga::response::{Correlation, Status};
//! use ace_pga::Transmission;
//!
//! let submission = std::fs::read("spec-samples/valid/or2-single.txt")?;
//! let mut book = Correlation::new(&Transmission::parse(&submission)?);
//! for name in ["sx-response.txt", "so-status.txt"] {
//!     let bytes = std::fs::read(format!("spec-samples/valid/{name}"))?;
//!     book.add_response(name, &Transmission::parse(&bytes)?);
//! }
//! let line = book.by_certificate("417-2093856104-557321")[0];
//! let condition = line.conditions().next().expect("an SE90 on the line");
//! assert_eq!(condition.message_id.as_deref(), Some("PW2")); // SE90 after the PG01
//! let last = line.cargo_release().last().expect("a final SE90");
//! assert_eq!(last.message_type.as_deref(), Some("02")); // accepted
//! let history: Vec<_> = line.history().iter().map(|d| d.status_code()).collect();
//! assert_eq!(history, [Some("10"), Some("07")]); // document required, then may proceed
//! assert_eq!(line.status(), Status::MayProceed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The command line does the same: `ace-pga status SUBMISSION RESPONSE… [--certificate N]
//! [--format json]`.
//!
//! The entry number and the CBP line number come from the host records, read through the
//! host layouts of `host-records.csv` (SPEC 3.7; one place, [`crate::records::host`]). The
//! status notifications themselves are typed too: [`Tree::status_notifications`](crate::Tree::status_notifications)
//! gives each `SO10` with its entry, `SO30` lines, bills, `SO60` and `SO70` dispositions, which
//! address a PGA line by CBP line, tariff position and PGA line number:
//!
//! ```
//! use ace_pga::records::So70;
//! let bytes = std::fs::read("spec-samples/valid/so-status.txt")?;
//! let so = ace_pga::Transmission::parse(&bytes)?;
//! let mut seen = Vec::new();
//! for n in so.tree().status_notifications() {
//!     let (filer, number) = n.entry().expect("an SO10 entry");
//!     for d in &n.pga_dispositions {
//!         if let Some(so70) = d.so70.record.view::<So70>() {
//!             seen.push((
//!                 format!("{filer}{number}"),
//!                 so70.begin_cbp_line_number(),
//!                 so70.begin_tariff_position(),
//!                 so70.begin_pga_line_number(),
//!                 so70.pga_line_status_code(),
//!             ));
//!         }
//!     }
//! }
//! assert_eq!(seen[0], ("Q7K31547727".to_string(), Some(1), Some(1), Some(1), Some("10")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 7. The JSON contract
//!
//! With the `serde` feature, [`OwnedTransmission`](crate::OwnedTransmission) is the JSON
//! document that `ace-pga decode` prints and `ace-pga encode` reads back. Its JSON Schema
//! (draft 2020-12) is generated from the types with `schemars` (feature `schema`) and
//! committed as `schema/decode.schema.json`; a test fails when the types and the committed
//! schema differ, and every document that validates against it is accepted by `encode`
//! (field values that do not fit their field are still refused, naming record and field).
//! Unknown keys (anywhere) and keys given twice are refused, by the schema and by `encode`;
//! `encode` writes only 80-byte records: a `raw` of another length is refused.
//!
//! * `framing`: `{"terminator": "lf" | "crlf" | "cr" | "none", "byte_order_mark": bool}`;
//! * `batches[]`: `header`/`trailer` (the `A`/`Z` records, or absent) and `blocks[]`, each with
//!   `header`/`trailer` (`B`/`Y`) and `transactions[]`, each an `items[]` list tagged by
//!   `"item"`: `record`, `anchor` (`anchor`, `sub_records`, `oi_group`), `oi_group` (`oi`,
//!   `orphans`, `lines`), `disposition` (`so70`, `details`);
//! * a PGA line: `pg01` and `items[]` tagged `record`, `entity` (`pg19`, `pg20`, `items`) or
//!   `group` (`start`, `items`, `end`);
//! * a record: `{"line", "record", "fields"}` with the canonical names of `records.csv` and
//!   dump-form values (strings; `null` = absent), or `{"line", "record", "raw"}`; `raw` wins
//!   on encode; `conditions` lists the `SE90`s attached to it; `terminator` when it differs
//!   from the document's;
//! * `trailing`: bytes after the last record (a trailing empty line's terminator, `0x1A`
//!   bytes, or a line of them with its terminator); `organic`: the typed AMS OR views (informational, not constrained by the schema;
//!   `encode` re-derives them from the records and warns, naming the first difference, when
//!   the given ones differ).
//!
//! ```
//! # #[cfg(feature = "serde")]
//! # {
//! use ace_pga::{OwnedTransmission, Transmission};
//!
//! let input = std::fs::read("spec-samples/valid/or2-single.txt").expect("sample");
//! let tx = Transmission::parse(&input).expect("valid");
//! let json = serde_json::to_string(&OwnedTransmission::from_transmission(&tx)).expect("JSON");
//! let back: OwnedTransmission = serde_json::from_str(&json).expect("the same document");
//! assert_eq!(back.to_bytes().expect("encodes"), input);
//! # }
//! ```
//!
//! ## Features
//!
//! | feature | what it adds | dependencies |
//! |---|---|---|
//! | (none) | parse, tree, typed records, organic profile, validation, builder, response correlation | `nom`, `bytes`, `thiserror`, `chrono`, `rust_decimal`, `memchr`, `csv`, `deunicode` |
//! | `serde` (default) | `Serialize` for the model and typed views; `Serialize`/`Deserialize` for the owned (JSON) form | `serde` |
//! | `schema` | `schemars::JsonSchema` for the owned form (the schema in `schema/`) | `serde`, `schemars` |
//! | `cli` | the `ace-pga` binary (`decode`, `encode`, `dump`, `check`, `fix`, `stats`, `status`) | `serde`, `clap`, `serde_json`, `serde_path_to_error` |
//!
//! ## Examples
//!
//! `examples/` holds runnable programs over the shipped samples:
//! `cargo run --example build_or2`, `cargo run --example cargo_release`,
//! `cargo run --example read_response`,
//! `cargo run --example validate_dir -- spec-samples/valid`,
//! `cargo run --example stream -- spec-samples/valid/or2-multi.txt`.
