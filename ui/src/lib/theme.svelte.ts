export type Theme = "light" | "dark";

/** Dark and light themes: CSS variables under html[data-theme]; the choice persists per browser. */
class ThemeState {
  current = $state<Theme>((document.documentElement.dataset.theme as Theme) ?? "light");

  toggle(): void {
    this.set(this.current === "dark" ? "light" : "dark");
  }

  set(theme: Theme): void {
    this.current = theme;
    document.documentElement.dataset.theme = theme;
    try {
      localStorage.setItem("sightline.theme", theme);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }
}

export const theme = new ThemeState();

/** A CSS variable's current value (charts draw on canvas and need real colors). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
