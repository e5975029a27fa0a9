use clap::Parser;

#[tokio::main]
async fn main() {
    // Writing to a closed pipe (`writ lint | head`) ends the program quietly, as Unix tools do,
    // instead of panicking.
    // SAFETY: restoring the default disposition of SIGPIPE before any thread writes output.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sqlx::query=error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = writ::cli::Cli::parse();
    match writ::cli::run(cli).await {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {}", writ::cli::error_text(&e));
            std::process::exit(2);
        }
    }
}
