using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AttentionList : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_ops_actions_action",
                table: "ops_actions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_ops_actions_subject_type",
                table: "ops_actions");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "attention_seen_since",
                table: "proofs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "attention_seen_since",
                table: "postbacks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "attention_seen_since",
                table: "payouts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "attention_seen_since",
                table: "outbox_events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "failed_at",
                table: "outbox_events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "attention_seen_since",
                table: "gateway_transactions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "attention_seen_since",
                table: "deposits",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "proof_forwarded_at",
                table: "deposits",
                type: "timestamp with time zone",
                nullable: true);

            // Hand-written (EF cannot express a backfill): a deposit still waiting for its postback, or
            // expired while waiting, gets the time its first proof was forwarded, as the proof statement
            // now records it; a failed event gets its creation time, as its give-up was not timed before.
            // Before the indexes (each built once) and ck_outbox_events_failed_at (which holds after it).
            migrationBuilder.Sql("""
                UPDATE deposits d SET proof_forwarded_at = f.first_forwarded_at
                FROM (SELECT p.deposit_id, min(p.forwarded_at) AS first_forwarded_at
                      FROM deposits w JOIN proofs p ON p.deposit_id = w.id
                      WHERE w.status IN ('pending_confirmation', 'expired') AND p.status = 'forwarded' AND p.forwarded_at IS NOT NULL
                      GROUP BY p.deposit_id) f
                WHERE d.id = f.deposit_id;
                UPDATE outbox_events SET failed_at = created_at WHERE status = 'failed';
                """);

            migrationBuilder.CreateIndex(
                name: "ix_proofs_attention_failed",
                table: "proofs",
                columns: new[] { "updated_at", "id" },
                filter: "status = 'failed' AND (attention_seen_since IS NULL OR attention_seen_since <> updated_at)");

            migrationBuilder.CreateIndex(
                name: "ix_proofs_attention_failed_seen",
                table: "proofs",
                columns: new[] { "updated_at", "id" },
                filter: "status = 'failed' AND attention_seen_since = updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_attention_failed",
                table: "payouts",
                columns: new[] { "updated_at", "id" },
                filter: "status = 'failed' AND (attention_seen_since IS NULL OR attention_seen_since <> updated_at)");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_attention_failed_seen",
                table: "payouts",
                columns: new[] { "updated_at", "id" },
                filter: "status = 'failed' AND attention_seen_since = updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_attention_refused",
                table: "payouts",
                columns: new[] { "updated_at", "id" },
                filter: "status = 'refused' AND (attention_seen_since IS NULL OR attention_seen_since <> updated_at)");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_attention_refused_seen",
                table: "payouts",
                columns: new[] { "updated_at", "id" },
                filter: "status = 'refused' AND attention_seen_since = updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_attention_stale",
                table: "payouts",
                columns: new[] { "stale_since", "id" },
                filter: "status = 'sent' AND stale_since IS NOT NULL AND (attention_seen_since IS NULL OR attention_seen_since <> stale_since)");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_attention_stale_seen",
                table: "payouts",
                columns: new[] { "stale_since", "id" },
                filter: "status = 'sent' AND stale_since IS NOT NULL AND attention_seen_since = stale_since");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_events_attention_failed",
                table: "outbox_events",
                columns: new[] { "failed_at", "id" },
                filter: "status = 'failed' AND (attention_seen_since IS NULL OR attention_seen_since <> failed_at)");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_events_attention_failed_seen",
                table: "outbox_events",
                columns: new[] { "failed_at", "id" },
                filter: "status = 'failed' AND attention_seen_since = failed_at");

            migrationBuilder.AddCheckConstraint(
                name: "ck_outbox_events_failed_at",
                table: "outbox_events",
                sql: "status <> 'failed' OR failed_at IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_ops_actions_action",
                table: "ops_actions",
                sql: "action IN ('payout_approve', 'payout_reject', 'payout_retry', 'proof_retry', 'event_redeliver', 'postback_reverify', 'attention_seen')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_ops_actions_subject_type",
                table: "ops_actions",
                sql: "subject_type IN ('payout', 'proof', 'event', 'postback', 'deposit', 'transaction')");

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_attention_unapplied",
                table: "gateway_transactions",
                columns: new[] { "stored_at", "id" },
                filter: "unapplied_reason IS NOT NULL AND unapplied_reason NOT IN ('payout_already_settled', 'status_conflict') AND (attention_seen_since IS NULL OR attention_seen_since <> stored_at)");

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_attention_unapplied_seen",
                table: "gateway_transactions",
                columns: new[] { "stored_at", "id" },
                filter: "unapplied_reason IS NOT NULL AND unapplied_reason NOT IN ('payout_already_settled', 'status_conflict') AND attention_seen_since = stored_at");

            migrationBuilder.CreateIndex(
                name: "ix_deposits_attention_amount_differs",
                table: "deposits",
                columns: new[] { "updated_at", "id" },
                filter: "amount_differs AND (attention_seen_since IS NULL OR attention_seen_since <> updated_at)");

            migrationBuilder.CreateIndex(
                name: "ix_deposits_attention_amount_differs_seen",
                table: "deposits",
                columns: new[] { "updated_at", "id" },
                filter: "amount_differs AND attention_seen_since = updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_deposits_attention_proof_unconfirmed",
                table: "deposits",
                columns: new[] { "proof_forwarded_at", "id" },
                filter: "status IN ('pending_confirmation', 'expired') AND proof_forwarded_at IS NOT NULL AND (attention_seen_since IS NULL OR attention_seen_since <> proof_forwarded_at)");

            migrationBuilder.CreateIndex(
                name: "ix_deposits_attention_proof_unconfirmed_seen",
                table: "deposits",
                columns: new[] { "proof_forwarded_at", "id" },
                filter: "status IN ('pending_confirmation', 'expired') AND proof_forwarded_at IS NOT NULL AND attention_seen_since = proof_forwarded_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_proofs_attention_failed",
                table: "proofs");

            migrationBuilder.DropIndex(
                name: "ix_proofs_attention_failed_seen",
                table: "proofs");

            migrationBuilder.DropIndex(
                name: "ix_payouts_attention_failed",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_attention_failed_seen",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_attention_refused",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_attention_refused_seen",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_attention_stale",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_attention_stale_seen",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_outbox_events_attention_failed",
                table: "outbox_events");

            migrationBuilder.DropIndex(
                name: "ix_outbox_events_attention_failed_seen",
                table: "outbox_events");

            migrationBuilder.DropCheckConstraint(
                name: "ck_outbox_events_failed_at",
                table: "outbox_events");

            migrationBuilder.DropCheckConstraint(
                name: "ck_ops_actions_action",
                table: "ops_actions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_ops_actions_subject_type",
                table: "ops_actions");

            migrationBuilder.DropIndex(
                name: "ix_gateway_transactions_attention_unapplied",
                table: "gateway_transactions");

            migrationBuilder.DropIndex(
                name: "ix_gateway_transactions_attention_unapplied_seen",
                table: "gateway_transactions");

            migrationBuilder.DropIndex(
                name: "ix_deposits_attention_amount_differs",
                table: "deposits");

            migrationBuilder.DropIndex(
                name: "ix_deposits_attention_amount_differs_seen",
                table: "deposits");

            migrationBuilder.DropIndex(
                name: "ix_deposits_attention_proof_unconfirmed",
                table: "deposits");

            migrationBuilder.DropIndex(
                name: "ix_deposits_attention_proof_unconfirmed_seen",
                table: "deposits");

            migrationBuilder.DropColumn(
                name: "attention_seen_since",
                table: "proofs");

            migrationBuilder.DropColumn(
                name: "attention_seen_since",
                table: "postbacks");

            migrationBuilder.DropColumn(
                name: "attention_seen_since",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "attention_seen_since",
                table: "outbox_events");

            migrationBuilder.DropColumn(
                name: "failed_at",
                table: "outbox_events");

            migrationBuilder.DropColumn(
                name: "attention_seen_since",
                table: "gateway_transactions");

            migrationBuilder.DropColumn(
                name: "attention_seen_since",
                table: "deposits");

            migrationBuilder.DropColumn(
                name: "proof_forwarded_at",
                table: "deposits");

            migrationBuilder.AddCheckConstraint(
                name: "ck_ops_actions_action",
                table: "ops_actions",
                sql: "action IN ('payout_approve', 'payout_reject', 'payout_retry', 'proof_retry', 'event_redeliver', 'postback_reverify')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_ops_actions_subject_type",
                table: "ops_actions",
                sql: "subject_type IN ('payout', 'proof', 'event', 'postback')");
        }
    }
}
