using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Postbacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "postbacks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    body = table.Column<byte[]>(type: "bytea", nullable: false),
                    body_length = table.Column<int>(type: "integer", nullable: false),
                    body_truncated = table.Column<bool>(type: "boolean", nullable: false),
                    body_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    remote_ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reject_reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    reject_detail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    verified_with = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    format = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    signature = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    access_key = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: true),
                    direction = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    amount = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    label = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: true),
                    discrepancies = table.Column<string>(type: "jsonb", nullable: true),
                    transaction_ids = table.Column<string[]>(type: "text[]", nullable: false),
                    transaction_count = table.Column<int>(type: "integer", nullable: false),
                    new_transaction_count = table.Column<int>(type: "integer", nullable: false),
                    reverified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_postbacks", x => x.id);
                    table.CheckConstraint("ck_postbacks_outcome", "outcome IN ('accepted', 'duplicate', 'rejected')");
                });

            migrationBuilder.CreateTable(
                name: "gateway_transactions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    postback_id = table.Column<Guid>(type: "uuid", nullable: false),
                    direction = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    transaction_id = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: false),
                    amount = table.Column<decimal>(type: "numeric", nullable: true),
                    amount_text = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    currency_code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    wallet_type = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: true),
                    custom_order_id = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: true),
                    proof_id = table.Column<Guid>(type: "uuid", nullable: true),
                    deposit_id = table.Column<Guid>(type: "uuid", nullable: true),
                    applied = table.Column<bool>(type: "boolean", nullable: false),
                    amount_mismatch = table.Column<bool>(type: "boolean", nullable: false),
                    activated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    gateway_created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    transaction_type = table.Column<int>(type: "integer", nullable: true),
                    withdrawal_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    withdrawal_status = table.Column<int>(type: "integer", nullable: true),
                    account_number = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: true),
                    item = table.Column<string>(type: "json", nullable: false),
                    stored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_gateway_transactions", x => x.id);
                    table.CheckConstraint("ck_gateway_transactions_direction", "direction IN ('ingoing', 'outgoing')");
                    table.ForeignKey(
                        name: "fk_gateway_transactions_deposits_deposit_id",
                        column: x => x.deposit_id,
                        principalTable: "deposits",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_gateway_transactions_postbacks_postback_id",
                        column: x => x.postback_id,
                        principalTable: "postbacks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_gateway_transactions_proofs_proof_id",
                        column: x => x.proof_id,
                        principalTable: "proofs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_custom_order_id",
                table: "gateway_transactions",
                column: "custom_order_id");

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_deposit_id",
                table: "gateway_transactions",
                column: "deposit_id");

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_direction_transaction_id",
                table: "gateway_transactions",
                columns: new[] { "direction", "transaction_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_postback_id",
                table: "gateway_transactions",
                column: "postback_id");

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_proof_id",
                table: "gateway_transactions",
                column: "proof_id");

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_stored_at",
                table: "gateway_transactions",
                column: "stored_at");

            migrationBuilder.CreateIndex(
                name: "ix_postbacks_outcome_received_at",
                table: "postbacks",
                columns: new[] { "outcome", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_postbacks_received_at",
                table: "postbacks",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "ix_postbacks_transaction_ids",
                table: "postbacks",
                column: "transaction_ids")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "gateway_transactions");

            migrationBuilder.DropTable(
                name: "postbacks");
        }
    }
}
