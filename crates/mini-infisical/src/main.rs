//! `mini-infisical`: runs the in-memory Infisical-compatible server.
//!
//! ```text
//! mini-infisical [--listen ADDR] [--config SEED.json] [--client-id ID --client-secret SECRET [--role SLUG]]
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)] // A command-line program reports on the terminal.

use std::process::ExitCode;

use mini_infisical::{MiniInfisical, Seed, SeedIdentity};

const USAGE: &str = "\
usage: mini-infisical [--listen ADDR] [--config SEED.json]
                      [--client-id ID --client-secret SECRET [--role SLUG]]

  --listen ADDR          where to listen (127.0.0.1:8080)
  --config SEED.json     identities, projects and roles to start with (see the crate docs)
  --client-id ID         add a universal-auth identity with these credentials...
  --client-secret SECRET
  --role SLUG            ...and this role in every project (admin; built in: admin, member,
                         viewer, no-access)

Without --config: one project `demo` (dev, staging, prod) and the admin identity
mini-client-id / mini-client-secret.";

struct Args {
    listen: String,
    seed: Seed,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut listen = "127.0.0.1:8080".to_owned();
    let mut config = None;
    let (mut client_id, mut client_secret, mut role) = (None, None, None);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => listen = value("--listen")?,
            "--config" => config = Some(value("--config")?),
            "--client-id" => client_id = Some(value("--client-id")?),
            "--client-secret" => client_secret = Some(value("--client-secret")?),
            "--role" => role = Some(value("--role")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let mut seed = match &config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
            Seed::from_json(&text).map_err(|e| format!("{path}: {e}"))?
        }
        None => Seed::default(),
    };
    match (client_id, client_secret) {
        (Some(client_id), Some(client_secret)) => {
            if config.is_none() {
                seed.identities.clear();
            }
            seed.identities.push(SeedIdentity {
                name: client_id.clone(),
                client_id,
                client_secret,
                role: role.unwrap_or_else(|| "admin".to_owned()),
            });
        }
        (None, None) if role.is_none() => {}
        _ => {
            return Err(
                "--client-id and --client-secret go together (and --role needs them)".to_owned(),
            );
        }
    }
    Ok(Args { listen, seed })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match MiniInfisical::new(&args.seed) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let address = listener
        .local_addr()
        .map_or(args.listen.clone(), |a| a.to_string());
    println!("mini-infisical listening on http://{address}");
    for identity in &args.seed.identities {
        println!(
            "  identity {} (client id `{}`, role `{}`)",
            identity.name, identity.client_id, identity.role
        );
    }
    for (slug, id) in server.project_ids() {
        println!("  project {slug}: {id}");
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    // The runtime's transport: header, body and request timeouts, URI and header limits, every
    // rejection in Infisical's error shape (docs/server.md, "Transport").
    oas_runtime::server::serve_with_shutdown(
        listener,
        server.router(),
        oas_runtime::server::Limits::default(),
        shutdown,
    )
    .await;
    ExitCode::SUCCESS
}
