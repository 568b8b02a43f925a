using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class JobProgressHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "job_epochs",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    epoch = table.Column<int>(type: "integer", nullable: false),
                    step = table.Column<long>(type: "bigint", nullable: false),
                    loss = table.Column<double>(type: "double precision", nullable: true),
                    accuracy = table.Column<double>(type: "double precision", nullable: true),
                    images_per_second = table.Column<double>(type: "double precision", nullable: true),
                    duration_seconds = table.Column<double>(type: "double precision", nullable: true),
                    checkpoint = table.Column<bool>(type: "boolean", nullable: false),
                    time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_epochs", x => new { x.job_id, x.epoch });
                    table.ForeignKey(
                        name: "fk_job_epochs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "job_progress_points",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    job_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    slot = table.Column<long>(type: "bigint", nullable: false),
                    step = table.Column<long>(type: "bigint", nullable: false),
                    epoch = table.Column<int>(type: "integer", nullable: false),
                    loss = table.Column<double>(type: "double precision", nullable: true),
                    images_per_second = table.Column<double>(type: "double precision", nullable: true),
                    time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_progress_points", x => x.id);
                    table.ForeignKey(
                        name: "fk_job_progress_points_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_job_progress_points_job_id_id",
                table: "job_progress_points",
                columns: new[] { "job_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_job_progress_points_job_id_slot",
                table: "job_progress_points",
                columns: new[] { "job_id", "slot" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_epochs");

            migrationBuilder.DropTable(
                name: "job_progress_points");
        }
    }
}
