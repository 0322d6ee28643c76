//! The `amlguard` binary: parse arguments, call the library, exit with its status.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(amlguard::cli::run())
}
