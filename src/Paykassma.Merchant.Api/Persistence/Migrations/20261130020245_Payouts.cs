using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Payouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "payout_id",
                table: "gateway_transactions",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "payout_daily_totals",
                columns: table => new
                {
                    label = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_daily_totals", x => new { x.label, x.day });
                    table.CheckConstraint("ck_payout_daily_totals_total", "total >= 0");
                });

            migrationBuilder.CreateTable(
                name: "payouts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    withdrawal_id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    label = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    amount = table.Column<int>(type: "integer", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    payment_system = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    is_test = table.Column<bool>(type: "boolean", nullable: false),
                    account_number = table.Column<string>(type: "character varying(34)", maxLength: 34, nullable: false),
                    account_name = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    bank_details = table.Column<string>(type: "jsonb", nullable: true),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    created_by = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    attempt_limit = table.Column<int>(type: "integer", nullable: false),
                    outcome_uncertain = table.Column<bool>(type: "boolean", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    gateway_message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    withdrawal_status = table.Column<int>(type: "integer", nullable: true),
                    settled_amount = table.Column<decimal>(type: "numeric(20,2)", nullable: true),
                    amount_mismatch = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    settled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payouts", x => x.id);
                    table.CheckConstraint("ck_payouts_account_number", "account_number ~ '^[0-9]{1,34}$'");
                    table.CheckConstraint("ck_payouts_amount", "amount > 0");
                    table.CheckConstraint("ck_payouts_status", "status IN ('awaiting_approval', 'approved', 'sending', 'sent', 'queued', 'refused', 'failed', 'rejected', 'paid', 'cancelled')");
                });

            migrationBuilder.CreateTable(
                name: "payout_actions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    payout_id = table.Column<Guid>(type: "uuid", nullable: false),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    actor = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "payout_attempts",
                columns: table => new
                {
                    payout_id = table.Column<Guid>(type: "uuid", nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    gateway_message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    outcome_uncertain = table.Column<bool>(type: "boolean", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_attempts", x => new { x.payout_id, x.attempt });
                    table.ForeignKey(
                        name: "fk_payout_attempts_payouts_payout_id",
                        column: x => x.payout_id,
                        principalTable: "payouts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_payout_id",
                table: "gateway_transactions",
                column: "payout_id",
                filter: "payout_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_payout_actions_payout_id_at",
                table: "payout_actions",
                columns: new[] { "payout_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_due",
                table: "payouts",
                column: "next_attempt_at",
                filter: "status IN ('approved', 'sending', 'queued')");

            migrationBuilder.CreateIndex(
                name: "ix_payouts_label_created_at",
                table: "payouts",
                columns: new[] { "label", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_status_created_at",
                table: "payouts",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_withdrawal_id",
                table: "payouts",
                column: "withdrawal_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_payouts_created_by_idempotency_key",
                table: "payouts",
                columns: new[] { "created_by", "idempotency_key" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_gateway_transactions_payouts_payout_id",
                table: "gateway_transactions",
                column: "payout_id",
                principalTable: "payouts",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_gateway_transactions_payouts_payout_id",
                table: "gateway_transactions");

            migrationBuilder.DropTable(
                name: "payout_actions");

            migrationBuilder.DropTable(
                name: "payout_attempts");

            migrationBuilder.DropTable(
                name: "payout_daily_totals");

            migrationBuilder.DropTable(
                name: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_gateway_transactions_payout_id",
                table: "gateway_transactions");

            migrationBuilder.DropColumn(
                name: "payout_id",
                table: "gateway_transactions");
        }
    }
}
