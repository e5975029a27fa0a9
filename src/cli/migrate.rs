//! `writ migrate`: apply the database migrations.

use super::Ctx;

pub async fn run(ctx: &Ctx) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    println!("{} database is up to date", db.backend());
    Ok(0)
}
