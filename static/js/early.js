/* Loaded in <head> before the page paints: styles can tell a page with JS from one without. */
document.documentElement.classList.add("js");
