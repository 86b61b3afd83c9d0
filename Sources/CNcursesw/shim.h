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
