"""Recipes: TOML programs of steps (tool, ask, agent, sub-recipe, shell), run on a
workspace by every face the same way. See docs/recipes.md."""
