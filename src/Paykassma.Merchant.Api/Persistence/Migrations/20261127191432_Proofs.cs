using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Proofs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "proofs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    deposit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    label = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: false),
                    custom_transaction_id = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: false),
                    transaction_number = table.Column<string>(type: "character(12)", fixedLength: true, maxLength: 12, nullable: false),
                    amount = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    gateway_message = table.Column<string>(type: "text", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    outcome_uncertain = table.Column<bool>(type: "boolean", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    attempt_limit = table.Column<int>(type: "integer", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    screenshot_file_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    screenshot_content_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    screenshot_size = table.Column<long>(type: "bigint", nullable: false),
                    screenshot_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    forwarded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_proofs", x => x.id);
                    table.CheckConstraint("ck_proofs_amount", "amount > 0");
                    table.CheckConstraint("ck_proofs_status", "status IN ('submitting', 'queued', 'forwarded', 'rejected', 'failed')");
                    table.CheckConstraint("ck_proofs_transaction_number", "transaction_number ~ '^[0-9]{12}$'");
                    table.ForeignKey(
                        name: "fk_proofs_deposits_deposit_id",
                        column: x => x.deposit_id,
                        principalTable: "deposits",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "proof_screenshots",
                columns: table => new
                {
                    proof_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_proof_screenshots", x => x.proof_id);
                    table.ForeignKey(
                        name: "fk_proof_screenshots_proofs_proof_id",
                        column: x => x.proof_id,
                        principalTable: "proofs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_proofs_custom_transaction_id",
                table: "proofs",
                column: "custom_transaction_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_proofs_deposit_id_idempotency_key",
                table: "proofs",
                columns: new[] { "deposit_id", "idempotency_key" },
                unique: true,
                filter: "idempotency_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_proofs_due",
                table: "proofs",
                column: "next_attempt_at",
                filter: "status IN ('submitting', 'queued')");

            migrationBuilder.CreateIndex(
                name: "ix_proofs_status_created_at",
                table: "proofs",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_proofs_live_transaction_number",
                table: "proofs",
                columns: new[] { "deposit_id", "transaction_number" },
                unique: true,
                filter: "status IN ('submitting', 'queued', 'forwarded')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "proof_screenshots");

            migrationBuilder.DropTable(
                name: "proofs");
        }
    }
}
