using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SignedFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_gateway_transactions_direction_transaction_id",
                table: "gateway_transactions");

            migrationBuilder.DropIndex(
                name: "ux_gateway_transactions_item_without_id",
                table: "gateway_transactions");

            migrationBuilder.AddColumn<int>(
                name: "conflicting_status",
                table: "payouts",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reported_at",
                table: "payouts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "status_conflict",
                table: "payouts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "fact_key",
                table: "gateway_transactions",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            // Every stored fact gets the key SignedFacts.KeyOf gives it (ADR 0014). Rows stored before
            // that repeat a withdrawal's (id, status) under another transaction id were, by the old
            // rule, separate facts: the first keeps the withdrawal key, later ones their transaction's.
            migrationBuilder.Sql("""
                UPDATE gateway_transactions g SET fact_key = k.fact_key
                FROM (SELECT id, CASE
                          WHEN withdrawal_id IS NOT NULL AND withdrawal_status IS NOT NULL
                               AND row_number() OVER (PARTITION BY withdrawal_id, withdrawal_status ORDER BY stored_at, id) = 1
                              THEN 'withdrawal:' || withdrawal_status || ':' || withdrawal_id
                          WHEN transaction_id IS NOT NULL THEN direction || ':tx:' || transaction_id
                          ELSE direction || ':sha256:' || item_sha256 END AS fact_key
                      FROM gateway_transactions) k
                WHERE g.id = k.id;
                ALTER TABLE gateway_transactions ALTER COLUMN fact_key DROP DEFAULT;
                """);

            migrationBuilder.CreateTable(
                name: "postback_repeats",
                columns: table => new
                {
                    postback_id = table.Column<Guid>(type: "uuid", nullable: false),
                    repeats = table.Column<int>(type: "integer", nullable: false),
                    first_repeated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_repeated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_remote_ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    discrepant_repeats = table.Column<int>(type: "integer", nullable: false),
                    last_discrepancies = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_postback_repeats", x => x.postback_id);
                    table.ForeignKey(
                        name: "fk_postback_repeats_postbacks_postback_id",
                        column: x => x.postback_id,
                        principalTable: "postbacks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payouts_status_conflict",
                table: "payouts",
                column: "updated_at",
                filter: "status_conflict");

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_withdrawal_transaction_id",
                table: "gateway_transactions",
                column: "transaction_id",
                filter: "withdrawal_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_gateway_transactions_fact_key",
                table: "gateway_transactions",
                column: "fact_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "postback_repeats");

            migrationBuilder.DropIndex(
                name: "ix_payouts_status_conflict",
                table: "payouts");

            migrationBuilder.DropIndex(
                name: "ix_gateway_transactions_withdrawal_transaction_id",
                table: "gateway_transactions");

            migrationBuilder.DropIndex(
                name: "ux_gateway_transactions_fact_key",
                table: "gateway_transactions");

            migrationBuilder.DropColumn(
                name: "conflicting_status",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "reported_at",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "status_conflict",
                table: "payouts");

            migrationBuilder.DropColumn(
                name: "fact_key",
                table: "gateway_transactions");

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_direction_transaction_id",
                table: "gateway_transactions",
                columns: new[] { "direction", "transaction_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_gateway_transactions_item_without_id",
                table: "gateway_transactions",
                columns: new[] { "direction", "item_sha256" },
                unique: true,
                filter: "transaction_id IS NULL");
        }
    }
}
