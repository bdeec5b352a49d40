/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdx-quote: what the command files share.
 */
#ifndef TDX_QUOTE_CLI_H
#define TDX_QUOTE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tdxq.h"

int cmd_info(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_ok(int argc, char **argv);

/* JSON output: a string (escaped, invalid UTF-8 replaced), hex bytes. */
void json_str(FILE *f, const char *s);
void json_strn(FILE *f, const char *s, size_t n);
void json_hex(FILE *f, const uint8_t *b, size_t len);
/*
 * Text from an unverified quote, for a terminal: backslash as \\, every
 * control byte (C0, DEL, UTF-8 C1) and every byte that is not strict UTF-8
 * as \xNN (docs/verifier.md "Showing an unverified quote").
 */
void text_str(FILE *f, const char *s);
void text_strn(FILE *f, const char *s, size_t n);
/* Prints len bytes as hex. */
void print_hex(FILE *f, const uint8_t *b, size_t len);
/* "ENOENT"... for an errno value (positive). */
const char *errno_name(int err);
/* Why the device cannot be opened, and what to do (one line). */
void dev_open_error(const char *path, int err);
/* An option's value, or a usage message and NULL. */
const char *opt_arg(int argc, char **argv, int *i, const char *cmd);

#endif /* TDX_QUOTE_CLI_H */
