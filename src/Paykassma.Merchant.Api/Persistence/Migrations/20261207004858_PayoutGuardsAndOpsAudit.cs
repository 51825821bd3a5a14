using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PayoutGuardsAndOpsAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_payout_daily_totals",
                table: "payout_daily_totals");

            migrationBuilder.RenameColumn(
                name: "label",
                table: "payout_daily_totals",
                newName: "key");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "stale_since",
                table: "payouts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "scope",
                table: "payout_daily_totals",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "label");

            // Every total kept so far is a label's; the column has no default of its own.
            migrationBuilder.Sql("ALTER TABLE payout_daily_totals ALTER COLUMN scope DROP DEFAULT;");

            migrationBuilder.AddColumn<long>(
                name: "daily_limit",
                table: "payout_daily_totals",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddPrimaryKey(
                name: "pk_payout_daily_totals",
                table: "payout_daily_totals",
                columns: new[] { "scope", "key", "day" });

            migrationBuilder.CreateTable(
                name: "ops_actions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    subject_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    subject_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    detail = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ops_actions", x => x.id);
                    table.CheckConstraint("ck_ops_actions_action", "action IN ('payout_approve', 'payout_reject', 'payout_retry', 'proof_retry', 'event_redeliver', 'postback_reverify')");
                    table.CheckConstraint("ck_ops_actions_subject_type", "subject_type IN ('payout', 'proof', 'event', 'postback')");
                });

            // Hand-written: the per-account totals of the days already counted (every payout not rejected
            // by ops, as the label totals count), so a limit or the threshold set today knows today's
            // earlier payouts; and the payout actions, as the first ops actions.
            migrationBuilder.Sql("""
                INSERT INTO payout_daily_totals (scope, key, day, total)
                SELECT 'account', account_number, (created_at AT TIME ZONE 'UTC')::date, sum(amount)
                FROM payouts
                WHERE status <> 'rejected'
                GROUP BY account_number, (created_at AT TIME ZONE 'UTC')::date;

                INSERT INTO ops_actions (at, actor, action, subject_type, subject_id, reason)
                SELECT at, actor, 'payout_' || action, 'payout', payout_id, reason
                FROM payout_actions
                ORDER BY id;
                """);

            migrationBuilder.DropTable(
                name: "payout_actions");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_sent",
                table: "payouts",
                column: "sent_at",
                filter: "status = 'sent'");

            migrationBuilder.AddCheckConstraint(
                name: "ck_payout_daily_totals_account_limit",
                table: "payout_daily_totals",
                sql: "scope <> 'account' OR daily_limit IS NULL OR total <= daily_limit");

            migrationBuilder.AddCheckConstraint(
                name: "ck_payout_daily_totals_label_limit",
                table: "payout_daily_totals",
                sql: "scope <> 'label' OR daily_limit IS NULL OR total <= daily_limit");

            migrationBuilder.AddCheckConstraint(
                name: "ck_payout_daily_totals_scope",
                table: "payout_daily_totals",
                sql: "scope IN ('label', 'account')");

            migrationBuilder.CreateIndex(
                name: "ix_ops_actions_actor_at",
                table: "ops_actions",
                columns: new[] { "actor", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_ops_actions_at",
                table: "ops_actions",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_ops_actions_subject_id_at",
                table: "ops_actions",
                columns: new[] { "subject_id", "at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "payout_actions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    actor = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    payout_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_actions", x => x.id);
                    table.CheckConstraint("ck_payout_actions_action", "action IN ('approve', 'reject', 'retry')");
                    table.ForeignKey(
                        name: "fk_payout_actions_payouts_payout_id",
                        column: x => x.payout_id,
                        principalTable: "payouts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payout_actions_payout_id_at",
                table: "payout_actions",
                columns: new[] { "payout_id", "at" });

            // The payout actions go back; the other ops actions have no table before this migration.
            migrationBuilder.Sql("""
                INSERT INTO payout_actions (payout_id, action, actor, reason, at)
                SELECT subject_id, substring(action FROM 8), actor, reason, at
                FROM ops_actions
                WHERE action IN ('payout_approve', 'payout_reject', 'payout_retry')
                ORDER BY id;

                DELETE FROM payout_daily_totals WHERE scope <> 'label';
                """);

            migrationBuilder.DropTable(
                name: "ops_actions");

            migrationBuilder.DropIndex(
                name: "ix_payouts_sent",
                table: "payouts");

            migrationBuilder.DropPrimaryKey(
                name: "pk_payout_daily_totals",
                table: "payout_daily_totals");

            migrationBuilder.DropCheckConstraint(
                name: "ck_payout_daily_totals_account_limit",
                table: "payout_daily_totals");

            migrationBuilder.DropCheckConstraint(
                name: "ck_payout_daily_totals_label_limit",
                table: "payout_daily_totals");

            migrationBuilder.DropCheckConstraint(
                name: "ck_payout_daily_totals_scope",
                table: "payout_daily_totals");

            migrationBuilder.DropColumn(
                name: "stale_since",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "scope",
                table: "payout_daily_totals");

            migrationBuilder.DropColumn(
                name: "daily_limit",
                table: "payout_daily_totals");

            migrationBuilder.RenameColumn(
                name: "key",
                table: "payout_daily_totals",
                newName: "label");

            migrationBuilder.AddPrimaryKey(
                name: "pk_payout_daily_totals",
                table: "payout_daily_totals",
                columns: new[] { "label", "day" });
        }
    }
}
