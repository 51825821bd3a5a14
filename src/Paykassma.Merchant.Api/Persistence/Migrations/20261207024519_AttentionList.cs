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
            // Both before the indexes, so each is built once.
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
                column: "updated_at",
                filter: "status = 'failed' AND attention_seen_since IS DISTINCT FROM updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_attention_failed",
                table: "payouts",
                column: "updated_at",
                filter: "status = 'failed' AND attention_seen_since IS DISTINCT FROM updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_attention_refused",
                table: "payouts",
                column: "updated_at",
                filter: "status = 'refused' AND attention_seen_since IS DISTINCT FROM updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_attention_stale",
                table: "payouts",
                column: "stale_since",
                filter: "status = 'sent' AND stale_since IS NOT NULL AND attention_seen_since IS DISTINCT FROM stale_since");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_events_attention_failed",
                table: "outbox_events",
                column: "failed_at",
                filter: "status = 'failed' AND attention_seen_since IS DISTINCT FROM failed_at");

            migrationBuilder.CreateIndex(
                name: "ix_ops_actions_attention_seen",
                table: "ops_actions",
                column: "at",
                filter: "action = 'attention_seen'");

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
                column: "stored_at",
                filter: "unapplied_reason IS NOT NULL AND unapplied_reason NOT IN ('payout_already_settled', 'status_conflict') AND attention_seen_since IS DISTINCT FROM stored_at");

            migrationBuilder.CreateIndex(
                name: "ix_deposits_attention_amount_differs",
                table: "deposits",
                column: "updated_at",
                filter: "amount_differs AND attention_seen_since IS DISTINCT FROM updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_deposits_attention_proof_unconfirmed",
                table: "deposits",
                column: "proof_forwarded_at",
                filter: "status IN ('pending_confirmation', 'expired') AND proof_forwarded_at IS NOT NULL AND attention_seen_since IS DISTINCT FROM proof_forwarded_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_proofs_attention_failed",
                table: "proofs");

            migrationBuilder.DropIndex(
                name: "ix_payouts_attention_failed",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_attention_refused",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_payouts_attention_stale",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_outbox_events_attention_failed",
                table: "outbox_events");

            migrationBuilder.DropIndex(
                name: "ix_ops_actions_attention_seen",
                table: "ops_actions");

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
                name: "ix_deposits_attention_amount_differs",
                table: "deposits");

            migrationBuilder.DropIndex(
                name: "ix_deposits_attention_proof_unconfirmed",
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
