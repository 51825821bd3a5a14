using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Deposits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "deposits",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    label = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    wallet_type = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: false),
                    amount = table.Column<int>(type: "integer", nullable: true),
                    wallet_number = table.Column<string>(type: "text", nullable: true),
                    account_name = table.Column<string>(type: "text", nullable: true),
                    is_check_amount = table.Column<bool>(type: "boolean", nullable: true),
                    gateway_params = table.Column<string>(type: "jsonb", nullable: false),
                    confirmed_amount = table.Column<decimal>(type: "numeric(20,2)", nullable: true),
                    amount_mismatch = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deposits", x => x.id);
                    table.CheckConstraint("ck_deposits_status", "status IN ('awaiting_payment', 'proof_submitted', 'pending_confirmation', 'confirmed', 'expired')");
                });

            migrationBuilder.CreateTable(
                name: "deposit_idempotency_keys",
                columns: table => new
                {
                    label = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: false),
                    key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    deposit_id = table.Column<Guid>(type: "uuid", nullable: true),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deposit_idempotency_keys", x => new { x.label, x.key });
                    table.ForeignKey(
                        name: "fk_deposit_idempotency_keys_deposits_deposit_id",
                        column: x => x.deposit_id,
                        principalTable: "deposits",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_deposit_idempotency_keys_deposit_id",
                table: "deposit_idempotency_keys",
                column: "deposit_id");

            migrationBuilder.CreateIndex(
                name: "ix_deposits_label_created_at",
                table: "deposits",
                columns: new[] { "label", "created_at" },
                descending: new[] { false, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deposit_idempotency_keys");

            migrationBuilder.DropTable(
                name: "deposits");
        }
    }
}
