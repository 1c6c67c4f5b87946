import { mount } from "svelte";
import App from "./App.svelte";
import "./styles.css";
import "uplot/dist/uPlot.min.css";

mount(App, { target: document.getElementById("app")! });
