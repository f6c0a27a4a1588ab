//! The C test program (`tests/c/test_ace_pga.c`) compiled with `cc` against
//! `include/ace_pga.h`, linked dynamically (`libace_pga_c.so`) and statically
//! (`libace_pga_c.a`), each run under valgrind: every check passes, no error, no leak.
//!
//! valgrind is required (`apt-get install valgrind`); `ACE_PGA_NO_VALGRIND=1` runs the
//! programs without it. With `--features testing` the program also sees `ACE_PGA_INTERNAL`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>` with `libace_pga_c.{so,a}` built now (cargo builds no cdylib or
/// staticlib for an integration test): the test binary is in its `deps/`.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .to_path_buf();
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["build", "--quiet", "-p", "ace-pga-c"]);
    if dir.file_name().is_some_and(|n| n == "release") {
        cargo.arg("--release");
    }
    if cfg!(feature = "testing") {
        cargo.args(["--features", "testing"]);
    }
    run(&mut cargo);
    dir
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn compile(name: &str, link: &[String]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let exe = dir.join(name);
    let mut cmd = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".to_string()));
    cmd.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-I"])
        .arg(crate_dir().join("include"))
        .arg(crate_dir().join("tests/c/test_ace_pga.c"));
    if cfg!(feature = "testing") {
        cmd.arg("-DACE_PGA_TESTING");
    }
    cmd.args(link).arg("-o").arg(&exe);
    run(&mut cmd);
    exe
}

fn run_program(exe: &Path) -> String {
    let samples = crate_dir().join("../../spec-samples");
    let version = env!("CARGO_PKG_VERSION");
    let out = if std::env::var_os("ACE_PGA_NO_VALGRIND").is_some() {
        run(Command::new(exe).arg(&samples).arg(version))
    } else {
        run(Command::new("valgrind")
            .args([
                "--quiet",
                "--error-exitcode=99",
                "--leak-check=full",
                "--show-leak-kinds=definite,indirect,possible",
                "--errors-for-leak-kinds=definite,indirect,possible",
            ])
            .arg(exe)
            .arg(&samples)
            .arg(version))
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}\n{stderr}");
    assert!(!stderr.contains("definitely lost"), "{stderr}");
    stdout
}

#[test]
fn c_program_dynamic() {
    let lib = lib_dir();
    assert!(lib.join("libace_pga_c.so").is_file(), "{}", lib.display());
    let exe = compile(
        "test_ace_pga_dynamic",
        &[
            format!("-L{}", lib.display()),
            format!("-Wl,-rpath,{}", lib.display()),
            "-lace_pga_c".to_string(),
            "-lpthread".to_string(),
        ],
    );
    let ldd = run(Command::new("ldd").arg(&exe));
    assert!(String::from_utf8_lossy(&ldd.stdout).contains("libace_pga_c.so"));
    println!("{}", run_program(&exe));
}

#[test]
fn c_program_static() {
    let lib = lib_dir();
    let exe = compile(
        "test_ace_pga_static",
        &[
            lib.join("libace_pga_c.a").display().to_string(),
            "-lpthread".to_string(),
            "-ldl".to_string(),
            "-lm".to_string(),
        ],
    );
    let ldd = run(Command::new("ldd").arg(&exe));
    assert!(!String::from_utf8_lossy(&ldd.stdout).contains("libace_pga_c"));
    println!("{}", run_program(&exe));
}
