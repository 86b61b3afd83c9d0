// ncursesw with wide characters (Debian: libncurses-dev). Only TerminalUI
// imports this module. The defines must precede the include: SwiftPM drops
// the -D flags from the .pc file. Function-like macros and globals do not
// import into Swift, hence the static inline wrappers.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <signal.h>
#include <ncursesw/curses.h>

static inline int cnc_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int cnc_rows(WINDOW *w) { return getmaxy(w); }
static inline int cnc_cols(WINDOW *w) { return getmaxx(w); }
static inline int cnc_colors(void) { return COLORS; }
static inline int cnc_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cnc_a_bold(void) { return A_BOLD; }
static inline attr_t cnc_a_reverse(void) { return A_REVERSE; }
static inline attr_t cnc_a_dim(void) { return A_DIM; }
static inline attr_t cnc_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cnc_a_normal(void) { return A_NORMAL; }
static inline int cnc_key_resize(void) { return KEY_RESIZE; }
static inline int cnc_key_mouse(void) { return KEY_MOUSE; }
static inline int cnc_key_up(void) { return KEY_UP; }
static inline int cnc_key_down(void) { return KEY_DOWN; }
static inline int cnc_key_left(void) { return KEY_LEFT; }
static inline int cnc_key_right(void) { return KEY_RIGHT; }
static inline int cnc_key_enter(void) { return KEY_ENTER; }
static inline int cnc_key_backspace(void) { return KEY_BACKSPACE; }
static inline int cnc_key_f(int n) { return KEY_F(n); }
static inline WINDOW *cnc_stdscr(void) { return stdscr; }

/* Attributes plus an extended colour pair (pairs above 255 need the opts
   pointer, curs_attr(3x)); wattr_set is a macro, so it needs a wrapper. */
static inline int cnc_set_attributes(WINDOW *w, attr_t attrs, int pair) {
  return wattr_set(w, attrs, 0, &pair);
}
static inline int cnc_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cnc_key_home(void) { return KEY_HOME; }
static inline int cnc_key_end(void) { return KEY_END; }
static inline int cnc_key_page_up(void) { return KEY_PPAGE; }
static inline int cnc_key_page_down(void) { return KEY_NPAGE; }
static inline int cnc_key_back_tab(void) { return KEY_BTAB; }
static inline int cnc_key_delete(void) { return KEY_DC; }
static inline int cnc_err(void) { return ERR; }
static inline int cnc_ok(void) { return OK; }
/* The C streams, without touching Swift's view of the stdio globals. */
static inline FILE *cnc_stdout(void) { return stdout; }
static inline FILE *cnc_stdin(void) { return stdin; }
/* The terminfo colour count, readable before start_color() sets COLORS
   (−1 when the entry has none). */
static inline int cnc_terminfo_colors(void) { return tigetnum("colors"); }
